/* wire_decode.c — reads wire records from stdin with wire.h's own structs and prints every
 * field as "name=value", one per line, a blank line after each record. test_wire.py packs
 * records with worker.py and checks what this prints: the Python packing and the C layout
 * must agree field by field. `wire_decode --sizeof` prints sizeof(wire_msg). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"

#define I64(s, f) printf(#f "=%" PRId64 "\n", (int64_t)(s)->f)
#define ARR(s, f)                                                                                  \
    for (int i_ = 0; i_ < 3; i_++)                                                                 \
    printf(#f "%d=%" PRId64 "\n", i_, (int64_t)(s)->f[i_])
#define TEXT(s, f) printf(#f "=%.*s\n", (int)sizeof((s)->f), (s)->f)

static void print_iter(const wire_iter *s)
{
    I64(s, iteration);
    I64(s, t_ns);
    I64(s, rss_bytes);
    I64(s, rss_anon_bytes);
    I64(s, rss_file_bytes);
    I64(s, iter_peak_rss_bytes);
    I64(s, live_objects);
    I64(s, live_bytes);
    I64(s, collections);
    I64(s, collected);
    I64(s, uncollectable);
    I64(s, garbage);
    I64(s, pause_ns);
    I64(s, objects_scanned);
    ARR(s, count);
    I64(s, step_wall_ns);
    I64(s, step_cpu_ns);
    I64(s, gc_wall_ns);
    I64(s, gc_cpu_ns);
    I64(s, arenas_current);
    I64(s, arenas_allocated_total);
    I64(s, arenas_reclaimed_total);
    I64(s, arenas_highwater);
    I64(s, blocks_in_use);
    ARR(s, collections_gen);
    I64(s, heap_objects);
}

static void print_done(const wire_done *d)
{
    I64(d, ok);
    I64(d, iter_peak_supported);
    I64(d, iterations_done);
    I64(d, collections);
    I64(d, collected);
    I64(d, uncollectable);
    I64(d, garbage);
    I64(d, objects_scanned);
    I64(d, pause_ns_total);
    I64(d, pause_ns_median);
    I64(d, pause_ns_p95);
    I64(d, pause_ns_max);
    I64(d, peak_rss_bytes);
    TEXT(d, params);
    TEXT(d, message);
}

static void print_type(const wire_type *t)
{
    I64(t, iteration);
    I64(t, live_objects);
    I64(t, live_bytes);
    I64(t, growth_objects);
    TEXT(t, name);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--sizeof") == 0) {
        printf("%zu\n", sizeof(wire_msg));
        return 0;
    }
    wire_msg m;
    while (fread(&m, sizeof m, 1, stdin) == 1) {
        printf("kind=%u\ntoken=%u\n", m.kind, m.token);
        if (m.kind == WIRE_ITER)
            print_iter(&m.u.iter);
        else if (m.kind == WIRE_DONE)
            print_done(&m.u.done);
        else if (m.kind == WIRE_TYPE || m.kind == WIRE_CLASS)
            print_type(&m.u.type);
        printf("\n");
    }
    return ferror(stdin) ? 1 : 0;
}
