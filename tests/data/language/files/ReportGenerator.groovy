package reports

import groovy.json.JsonSlurper
import groovy.transform.CompileStatic

@CompileStatic
class ReportGenerator {
    String title

    Map<String, Integer> countByStatus(String json) {
        def items = new JsonSlurper().parseText(json) as List<Map>
        items.groupBy { it.status as String }
             .collectEntries { status, list -> [(status): list.size()] } as Map<String, Integer>
    }

    String render(Map<String, Integer> counts) {
        def lines = counts.collect { k, v -> "${k.padRight(12)}${v}" }
        "${title}\n${'=' * title.size()}\n${lines.join('\n')}"
    }
}
