/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* td-affinity: print the CPUs this process may run on, as the scheduler
 * says (sched_getaffinity) and as /proc/self/status says
 * (Cpus_allowed_list), both as sorted cpu lists:
 *
 *     affinity=1 status=1
 *
 * A cpuset limit must show in both: the first is what the process itself
 * sees, the second what tools looking at it from outside see. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

/* Format a cpu set as "0-2,5". */
static void format_set(const cpu_set_t *s, char *out, size_t len) {
        size_t used = 0;
        out[0] = '\0';
        for (int c = 0; c < CPU_SETSIZE; c++) {
                if (!CPU_ISSET(c, s))
                        continue;
                int e = c;
                while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, s))
                        e++;
                int n = e == c ? snprintf(out + used, len - used, "%s%d", used ? "," : "", c)
                               : snprintf(out + used, len - used, "%s%d-%d", used ? "," : "", c, e);
                if (n < 0 || (size_t) n >= len - used)
                        return;
                used += (size_t) n;
                c = e;
        }
}

int main(void) {
        cpu_set_t s;
        char aff[1024], status[1024] = "?";

        CPU_ZERO(&s);
        if (sched_getaffinity(0, sizeof s, &s) < 0) {
                fprintf(stderr, "td-affinity: sched_getaffinity: %s\n", strerror(errno));
                return 1;
        }
        format_set(&s, aff, sizeof aff);

        FILE *f = fopen("/proc/self/status", "re");
        if (f) {
                char line[1200];
                while (fgets(line, sizeof line, f))
                        if (sscanf(line, "Cpus_allowed_list: %1023s", status) == 1)
                                break;
                fclose(f);
        }
        printf("affinity=%s status=%s\n", aff, status);
        return 0;
}
