/* fuzz_replay.c — a main() for the fuzz targets where libFuzzer is not linked (gcc, the
 * default build): runs LLVMFuzzerTestOneInput once on each file named, or on each file of each
 * folder named (a corpus), so that the seed corpus and every crash once found (kept in it as a
 * regression seed) are replayed by the ordinary suite, under ASan and valgrind too.
 *
 *   build/tests/fuzz/replay_csv tests/fuzz/corpus/csv
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the target on the file at path. Returns 0, or -1 when it cannot be read. */
static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, len = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf != NULL && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap * 2);
            if (grown == NULL)
                free(buf);
            buf = grown;
            cap *= 2;
        }
    }
    int rc = buf != NULL && !ferror(fp) ? 0 : -1;
    fclose(fp);
    if (rc == 0)
        LLVMFuzzerTestOneInput(buf, len);
    else
        fprintf(stderr, "%s: cannot read\n", path);
    free(buf);
    return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
    size_t replayed = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            rc |= replay_file(argv[i]);
            replayed++;
            continue;
        }
        struct dirent **names;
        int n = scandir(argv[i], &names, NULL, by_name);
        if (n < 0) {
            perror(argv[i]);
            return 1;
        }
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
            if (names[k]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                rc |= replay_file(path);
                replayed++;
            }
            free(names[k]);
        }
        free(names);
    }
    fprintf(stderr, "replayed %zu inputs\n", replayed);
    return rc != 0 || replayed == 0 ? 1 : 0;
}
