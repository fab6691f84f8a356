build/main.o: src/main.c include/config.h include/util.h \
 include/log.h /usr/include/stdio.h /usr/include/stdlib.h

include/config.h:

include/util.h:

include/log.h:
