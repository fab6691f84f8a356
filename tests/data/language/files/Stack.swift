struct Stack<Element> {
    private var items: [Element] = []

    mutating func push(_ item: Element) {
        items.append(item)
    }

    mutating func pop() -> Element? {
        items.popLast()
    }

    var top: Element? { items.last }
    var isEmpty: Bool { items.isEmpty }
}

extension Stack: CustomStringConvertible {
    var description: String {
        "Stack(" + items.map { "\($0)" }.joined(separator: ", ") + ")"
    }
}

var s = Stack<Int>()
s.push(1); s.push(2)
print(s, s.pop() ?? 0)
