# SPDX-License-Identifier: LGPL-2.1-or-later
# Generator for the apply benchmark: ONE place that decides every tenant's
# limits, so the tenantd policies, the plain-syscall script for floor.c and
# libcgroup's cgconfig.conf describe exactly the same groups and values.
#
#   awk -f gen.awk -v mode=yaml     -v n=N -v dir=OUT            (policies)
#   awk -f gen.awk -v mode=floor    -v n=N -v hiers=SPEC         (floor script, stdout)
#   awk -f gen.awk -v mode=cgconfig -v n=N -v hiers=SPEC         (cgconfig.conf, stdout)
#   awk -f gen.awk -v mode=values   -v i=I                       (one tenant's v1 values)
#   awk -f gen.awk -v mode=one      -v i=I -v changed=I          (one tenant's YAML, stdout)
#
# SPEC lists the hierarchies in the order tenantd walks them (mountinfo
# order), space separated, each CTRL=MOUNT=TENANT_ROOT_PATH, e.g.
#   cpu=/sys/fs/cgroup/cpu=/tenantd-test-bench-42
# Optional: -v cpuset_cpus=0-1 -v cpuset_mems=0 (the tenant root's values,
# copied from its parent, as tenantd does on v1) and -v changed=I (tenant
# I gets the "changed" variant of its limits, for the re-apply bench).
#
# The floor script mirrors what tenantd does on a COLD apply on cgroup v1
# (src/lib/cgroup-apply.c): per tenant and hierarchy mkdir <tenant>, write
# the knobs whose wanted value differs from a new group's default, then
# mkdir <tenant>/procs (the leaf inherits); on the tenant root in the cpuset
# hierarchy it copies cpuset.mems/cpus from the parent and sets
# cgroup.clone_children=1. bench/run.sh checks that the mkdir and write
# counts equal tenantd's own report, so a drift in tenantd shows up there.

function name(i) { return sprintf("t%06d", i) }

# The limits of tenant i, in policy units and in v1 knob values.
function limits(i, variant) {
        L_weight = (i % 2) ? 25 * (1 + i % 40) : 0          # odd: weight, even: shares
        L_shares = (i % 2) ? L_weight * 1024 / 100 : 128 * (1 + i % 32)
        L_quota_pct = 10 + i % 190                           # 10% .. 199%
        L_quota_us = L_quota_pct * 1000                      # period 100ms (default)
        L_mem_m = 64 + i % 448                               # MiB
        L_high_m = L_mem_m - 16
        L_pids = 64 + i % 960
        if (variant) {                                       # the re-apply change
                L_mem_m += 32
                L_pids += 1
        }
        L_mem = L_mem_m * 1048576
        L_high = L_high_m * 1048576
}

function yaml(i, f) {
        limits(i, i == changed)
        printf "tenant: %s\ninherits: bench\n", name(i) > f
        printf "members:\n  users: [u%s]\n  uids: [\"%d-%d\"]\n", name(i), \
               100000 + i * 10, 100000 + i * 10 + 9 > f
        printf "cpu:\n" > f
        if (L_weight)
                printf "  weight: %d\n", L_weight > f
        else
                printf "  shares: %d\n", L_shares > f
        printf "  quota: %d%%\n", L_quota_pct > f
        printf "memory:\n  max: %dM\n  high: %dM\n", L_mem_m, L_high_m > f
        printf "pids:\n  max: %d\n", L_pids > f
        close(f)
}

function parse_hiers(    k, parts, m) {
        H = split(hiers, parts, " ")
        for (k = 1; k <= H; k++) {
                split(parts[k], m, "=")
                HC[k] = m[1]; HM[k] = m[2]; HR[k] = m[3]
        }
}

# The knobs a new v1 group gets for controller c, with their defaults; a
# knob is written only when its value differs (what tenantd does).
function knobs(c, i,    n) {
        limits(i, i == changed)
        n = 0
        if (c == "cpu") {
                if (L_shares != 1024) { K[++n] = "cpu.shares"; V[n] = L_shares }
                K[++n] = "cpu.cfs_quota_us"; V[n] = L_quota_us
        } else if (c == "memory") {
                K[++n] = "memory.limit_in_bytes"; V[n] = L_mem
                K[++n] = "memory.soft_limit_in_bytes"; V[n] = L_high
        } else if (c == "pids") {
                K[++n] = "pids.max"; V[n] = L_pids
        }
        return n
}

function floor_script(    i, k, j, nk, g) {
        parse_hiers()
        for (k = 1; k <= H; k++) {
                print "m " HM[k] HR[k]
                if (HC[k] == "cpuset") {
                        print "w " HM[k] HR[k] "/cpuset.mems " cpuset_mems
                        print "w " HM[k] HR[k] "/cpuset.cpus " cpuset_cpus
                        print "w " HM[k] HR[k] "/cgroup.clone_children 1"
                }
        }
        for (i = 1; i <= n; i++)
                for (k = 1; k <= H; k++) {
                        g = HM[k] HR[k] "/" name(i)
                        print "m " g
                        nk = knobs(HC[k], i)
                        for (j = 1; j <= nk; j++)
                                print "w " g "/" K[j] " " V[j]
                        print "m " g "/procs"
                }
}

# libcgroup: one group block per distinct path. A group's path is the same
# for every controller in its block, and our own cgroup differs between
# hierarchies (memory: /process_api/ID, the rest: /), so hierarchies are
# grouped by tenant-root path. Parent blocks come first: cgconfigparser
# creates groups in file order.
function cgconfig(    i, k, p, j, nk, seen, paths, np, g) {
        parse_hiers()
        np = 0
        for (k = 1; k <= H; k++)
                if (!(HR[k] in seen)) { seen[HR[k]] = 1; paths[++np] = HR[k] }
        for (p = 1; p <= np; p++) {
                printf "group %s {\n", substr(paths[p], 2)
                for (k = 1; k <= H; k++) {
                        if (HR[k] != paths[p])
                                continue
                        if (HC[k] == "cpuset")
                                printf "  cpuset { cpuset.mems = \"%s\"; cpuset.cpus = \"%s\"; " \
                                       "cgroup.clone_children = \"1\"; }\n", cpuset_mems, cpuset_cpus
                        else
                                printf "  %s { }\n", HC[k]
                }
                print "}"
        }
        for (i = 1; i <= n; i++)
                for (p = 1; p <= np; p++) {
                        g = substr(paths[p], 2) "/" name(i)
                        printf "group %s {\n", g
                        for (k = 1; k <= H; k++) {
                                if (HR[k] != paths[p])
                                        continue
                                printf "  %s {", HC[k]
                                nk = knobs(HC[k], i)
                                for (j = 1; j <= nk; j++)
                                        printf " %s = \"%s\";", K[j], V[j]
                                print " }"
                        }
                        print "}"
                        printf "group %s/procs {\n", g
                        for (k = 1; k <= H; k++)
                                if (HR[k] == paths[p])
                                        printf "  %s { }\n", HC[k]
                        print "}"
                }
}

BEGIN {
        if (mode == "yaml") {
                f = dir "/plans.d/bench.yaml"
                print "plan: bench\ndescription: \"apply benchmark\"\ncpu:\n  period: 100ms\n" \
                      "pids:\n  max: 512\nrlimits:\n  nofile: 1024" > f
                close(f)
                for (i = 1; i <= n; i++)
                        yaml(i, dir "/tenants.d/" name(i) ".yaml")
        } else if (mode == "one") {
                yaml(i, "/dev/stdout")
        } else if (mode == "floor") {
                floor_script()
        } else if (mode == "cgconfig") {
                cgconfig()
        } else if (mode == "values") {
                limits(i, i == changed)
                printf "cpu.shares=%d cpu.cfs_quota_us=%d memory.limit_in_bytes=%.0f " \
                       "memory.soft_limit_in_bytes=%.0f pids.max=%d\n", L_shares, L_quota_us, L_mem, L_high, L_pids
        } else {
                print "gen.awk: mode must be yaml, one, floor, cgconfig or values" > "/dev/stderr"
                exit 2
        }
}
