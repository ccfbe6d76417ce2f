/*
 * conv_harness: the oneDNN primitives jdnn's OneDnnConv2dForward creates, created and run from C, timed the way
 * `jdnn bench conv --backend onednn` times them. The difference between the two is what calling oneDNN through
 * FFM (and jdnn's Java around it) costs. Build and run with run-conv-harness.sh; see README.md.
 *
 * Per layer, exactly what OneDnnConv2dForward does:
 *   - f32 forward_inference convolution_direct with format_tag_any for source, weights and destination, a bias
 *     (tag a) and the post-ops (sum scale 1 then eltwise_relu alpha 0, as PrimitiveAttributes appends them), with
 *     scratchpad mode user;
 *   - user memories for the caller's plain tensors (nchw source and destination, oihw weights), created without data
 *     and pointed at the tensors before every run (dnnl_memory_set_data_handle, as OneDnnMemory.bind does);
 *   - a buffer in the chosen layout wherever it differs from the plain one (dnnl_memory_desc_equal), and a reorder
 *     into it (weights, source; with a sum post-op the output in) or out of it (output);
 *   - one scratchpad as large as the largest any primitive needs, shared by them;
 *   - a run: the reorders in, the convolution, the reorder out, in that order on one stream, then dnnl_stream_wait.
 *
 * Usage: conv_harness LAYERS_FILE [--layers resnet50|vgg16|all|NAME,...] [--batch N] [--warmup S]
 *                     [--time S | --iterations N] [--min-iterations N]
 * Threads: OMP_NUM_THREADS (run-conv-harness.sh sets it, and GOMP_SPINCOUNT=10000 as jdnn does).
 * Output: one line per layer with the columns of `jdnn bench conv` (backend "c").
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oneapi/dnnl/dnnl.h"

#define CHECK(call)                                                                                  \
    do {                                                                                             \
        dnnl_status_t status_ = (call);                                                              \
        if (status_ != dnnl_success) {                                                               \
            fprintf(stderr, "conv_harness: %s failed with status %d (line %d)\n", #call, (int)status_, \
                    __LINE__);                                                                       \
            exit(1);                                                                                 \
        }                                                                                            \
    } while (0)

#define MAX_STEPS 5
#define MAX_ARGS 5

typedef struct {
    char name[128], model[32], post_op[16];
    int occurrences, c, h, w, oc, kh, kw, stride, pad, bias;
} layer_t;

typedef struct {
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t primitive;
    int nargs;
    dnnl_exec_arg_t args[MAX_ARGS];
    const char *what;
} step_t;

typedef struct {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_attr_t reorder_attr;
    step_t steps[MAX_STEPS];
    int nsteps;
    dnnl_memory_t user_src, user_wei, user_bias, user_dst;
    dnnl_memory_t owned[8];
    void *buffers[8];
    int nowned, nbuffers;
    dnnl_memory_desc_t descs[8];
    int ndescs;
} conv_t;

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *buffer(conv_t *conv, size_t bytes) {
    size_t size = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, size > 0 ? size : 64);
    if (!p) {
        fprintf(stderr, "conv_harness: out of memory (%zu bytes)\n", bytes);
        exit(1);
    }
    conv->buffers[conv->nbuffers++] = p;
    return p;
}

static dnnl_memory_desc_t f32_desc(conv_t *conv, int ndims, const dnnl_dims_t dims, dnnl_format_tag_t tag) {
    dnnl_memory_desc_t md;
    CHECK(dnnl_memory_desc_create_with_tag(&md, ndims, dims, dnnl_f32, tag));
    conv->descs[conv->ndescs++] = md;
    return md;
}

static dnnl_memory_t memory(conv_t *conv, const_dnnl_memory_desc_t md, void *data) {
    dnnl_memory_t m;
    CHECK(dnnl_memory_create(&m, md, conv->engine, data));
    conv->owned[conv->nowned++] = m;
    return m;
}

/* ExecutionPlan.memoryFor: the user's memory when the chosen layout is the plain one, else a new buffer. */
static dnnl_memory_t memory_for(conv_t *conv, dnnl_memory_t user, const_dnnl_memory_desc_t chosen) {
    const_dnnl_memory_desc_t plain;
    CHECK(dnnl_memory_get_memory_desc(user, &plain));
    if (dnnl_memory_desc_equal(chosen, plain)) {
        return user;
    }
    return memory(conv, chosen, buffer(conv, dnnl_memory_desc_get_size(chosen)));
}

static void add_step(conv_t *conv, const char *what, dnnl_primitive_desc_t pd, int nargs, const int *kinds,
                     const dnnl_memory_t *memories) {
    step_t *step = &conv->steps[conv->nsteps++];
    step->pd = pd;
    step->what = what;
    step->nargs = nargs;
    for (int i = 0; i < nargs; i++) {
        step->args[i].arg = kinds[i];
        step->args[i].memory = memories[i];
    }
}

/* ExecutionPlan.addReorder: nothing when both are the same memory. */
static void add_reorder(conv_t *conv, const char *what, dnnl_memory_t from, dnnl_memory_t to) {
    if (from == to) {
        return;
    }
    const_dnnl_memory_desc_t from_md, to_md;
    CHECK(dnnl_memory_get_memory_desc(from, &from_md));
    CHECK(dnnl_memory_get_memory_desc(to, &to_md));
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_reorder_primitive_desc_create(&pd, from_md, conv->engine, to_md, conv->engine, conv->reorder_attr));
    int kinds[] = {DNNL_ARG_FROM, DNNL_ARG_TO};
    dnnl_memory_t memories[] = {from, to};
    add_step(conv, what, pd, 2, kinds, memories);
}

/* PrimitiveAttributes.create: scratchpad mode user, then sum and/or ReLU post-ops. */
static dnnl_primitive_attr_t attributes(const char *post_op) {
    dnnl_primitive_attr_t attr;
    CHECK(dnnl_primitive_attr_create(&attr));
    CHECK(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
    int sum = strcmp(post_op, "sum") == 0 || strcmp(post_op, "sum_relu") == 0;
    int relu = strcmp(post_op, "relu") == 0 || strcmp(post_op, "sum_relu") == 0;
    if (sum || relu) {
        dnnl_post_ops_t ops;
        CHECK(dnnl_post_ops_create(&ops));
        if (sum) {
            CHECK(dnnl_post_ops_append_sum(ops, 1.f, 0, dnnl_data_type_undef));
        }
        if (relu) {
            CHECK(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_relu, 0.f, 0.f));
        }
        CHECK(dnnl_primitive_attr_set_post_ops(attr, ops));
        CHECK(dnnl_post_ops_destroy(ops));
    }
    return attr;
}

/* OneDnnConv2dForward's constructor, then ExecutionPlan.compile. Returns oneDNN's implementation name. */
static const char *create(conv_t *conv, const layer_t *l, int batch) {
    int oh = (l->h + 2 * l->pad - l->kh) / l->stride + 1;
    int ow = (l->w + 2 * l->pad - l->kw) / l->stride + 1;
    dnnl_dims_t src_dims = {batch, l->c, l->h, l->w};
    dnnl_dims_t wei_dims = {l->oc, l->c, l->kh, l->kw};
    dnnl_dims_t dst_dims = {batch, l->oc, oh, ow};
    dnnl_dims_t bias_dims = {l->oc};
    dnnl_memory_desc_t plain_src = f32_desc(conv, 4, src_dims, dnnl_nchw);
    dnnl_memory_desc_t plain_wei = f32_desc(conv, 4, wei_dims, dnnl_oihw);
    dnnl_memory_desc_t plain_dst = f32_desc(conv, 4, dst_dims, dnnl_nchw);
    dnnl_memory_desc_t bias_md = l->bias ? f32_desc(conv, 1, bias_dims, dnnl_a) : NULL;

    dnnl_dims_t strides = {l->stride, l->stride};
    dnnl_dims_t dilates = {0, 0};
    dnnl_dims_t padding = {l->pad, l->pad};
    dnnl_primitive_attr_t attr = attributes(l->post_op);
    dnnl_primitive_desc_t conv_pd;
    CHECK(dnnl_convolution_forward_primitive_desc_create(&conv_pd, conv->engine, dnnl_forward_inference,
            dnnl_convolution_direct, f32_desc(conv, 4, src_dims, dnnl_format_tag_any),
            f32_desc(conv, 4, wei_dims, dnnl_format_tag_any), bias_md,
            f32_desc(conv, 4, dst_dims, dnnl_format_tag_any), strides, dilates, padding, padding, attr));
    CHECK(dnnl_primitive_attr_destroy(attr));
    const char *implementation = "?";
    CHECK(dnnl_primitive_desc_query(conv_pd, dnnl_query_impl_info_str, 0, &implementation));

    conv->user_src = memory(conv, plain_src, DNNL_MEMORY_NONE);
    conv->user_wei = memory(conv, plain_wei, DNNL_MEMORY_NONE);
    conv->user_bias = l->bias ? memory(conv, bias_md, DNNL_MEMORY_NONE) : NULL;
    conv->user_dst = memory(conv, plain_dst, DNNL_MEMORY_NONE);

    CHECK(dnnl_primitive_attr_create(&conv->reorder_attr));
    CHECK(dnnl_primitive_attr_set_scratchpad_mode(conv->reorder_attr, dnnl_scratchpad_mode_user));
    dnnl_memory_t src = memory_for(conv, conv->user_src, dnnl_primitive_desc_query_md(conv_pd, dnnl_query_src_md, 0));
    dnnl_memory_t wei = memory_for(conv, conv->user_wei,
            dnnl_primitive_desc_query_md(conv_pd, dnnl_query_weights_md, 0));
    dnnl_memory_t dst = memory_for(conv, conv->user_dst, dnnl_primitive_desc_query_md(conv_pd, dnnl_query_dst_md, 0));

    add_reorder(conv, "reorder weights", conv->user_wei, wei);
    add_reorder(conv, "reorder source", conv->user_src, src);
    if (strncmp(l->post_op, "sum", 3) == 0) {
        add_reorder(conv, "reorder output in", conv->user_dst, dst);
    }
    if (conv->user_bias) {
        int kinds[] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST};
        dnnl_memory_t memories[] = {src, wei, conv->user_bias, dst};
        add_step(conv, "convolution", conv_pd, 4, kinds, memories);
    } else {
        int kinds[] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
        dnnl_memory_t memories[] = {src, wei, dst};
        add_step(conv, "convolution", conv_pd, 3, kinds, memories);
    }
    add_reorder(conv, "reorder output out", dst, conv->user_dst);

    /* ExecutionPlan.compile: one scratchpad, the largest any primitive needs, shared. */
    size_t scratchpad_bytes = 0;
    for (int i = 0; i < conv->nsteps; i++) {
        size_t bytes = dnnl_memory_desc_get_size(
                dnnl_primitive_desc_query_md(conv->steps[i].pd, dnnl_query_scratchpad_md, 0));
        scratchpad_bytes = bytes > scratchpad_bytes ? bytes : scratchpad_bytes;
    }
    void *scratchpad = buffer(conv, scratchpad_bytes);
    for (int i = 0; i < conv->nsteps; i++) {
        step_t *step = &conv->steps[i];
        const_dnnl_memory_desc_t md = dnnl_primitive_desc_query_md(step->pd, dnnl_query_scratchpad_md, 0);
        if (dnnl_memory_desc_get_size(md) > 0) {
            step->args[step->nargs].arg = DNNL_ARG_SCRATCHPAD;
            step->args[step->nargs].memory = memory(conv, md, scratchpad);
            step->nargs++;
        }
        CHECK(dnnl_primitive_create(&step->primitive, step->pd));
    }
    return implementation;
}

/* OneDnnConv2dForward.run: bind the tensors, run every step on the stream, wait. */
static void run(conv_t *conv, float *x, float *w, float *b, float *y) {
    CHECK(dnnl_memory_set_data_handle(conv->user_src, x));
    CHECK(dnnl_memory_set_data_handle(conv->user_wei, w));
    if (conv->user_bias) {
        CHECK(dnnl_memory_set_data_handle(conv->user_bias, b));
    }
    CHECK(dnnl_memory_set_data_handle(conv->user_dst, y));
    for (int i = 0; i < conv->nsteps; i++) {
        step_t *step = &conv->steps[i];
        dnnl_status_t status = dnnl_primitive_execute(step->primitive, conv->stream, step->nargs, step->args);
        if (status != dnnl_success) {
            fprintf(stderr, "conv_harness: dnnl_primitive_execute(%s) failed with status %d\n", step->what, status);
            exit(1);
        }
    }
    CHECK(dnnl_stream_wait(conv->stream));
}

static void destroy(conv_t *conv) {
    for (int i = 0; i < conv->nsteps; i++) {
        dnnl_primitive_destroy(conv->steps[i].primitive);
        dnnl_primitive_desc_destroy(conv->steps[i].pd);
    }
    for (int i = 0; i < conv->nowned; i++) {
        dnnl_memory_destroy(conv->owned[i]);
    }
    for (int i = 0; i < conv->ndescs; i++) {
        dnnl_memory_desc_destroy(conv->descs[i]);
    }
    for (int i = 0; i < conv->nbuffers; i++) {
        free(conv->buffers[i]);
    }
    dnnl_primitive_attr_destroy(conv->reorder_attr);
}

static float *random_floats(size_t n, unsigned long long *state) {
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (!p) {
        fprintf(stderr, "conv_harness: out of memory (%zu floats)\n", n);
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
        p[i] = (float)((*state >> 40) / (double)(1ULL << 24) - 0.5);
    }
    return p;
}

static int compare_longs(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* HdrHistogram's getValueAtPercentile: the smallest value with at least p% of the values at or below it. */
static double percentile_ms(const long long *sorted, long n, double p) {
    long index = (long)ceil(p / 100.0 * n) - 1;
    index = index < 0 ? 0 : index >= n ? n - 1 : index;
    return sorted[index] / 1e6;
}

/* Whether `name` is in the comma-separated `selection` (models resnet50, vgg16, all, or layer names). */
static int selected(const layer_t *l, const char *selection) {
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", selection);
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (strcmp(item, l->name) == 0 || strcmp(item, l->model) == 0
                || (strcmp(item, "all") == 0 && strcmp(l->model, "probe") != 0)) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: conv_harness LAYERS_FILE [--layers resnet50|vgg16|all|NAME,...] [--batch N] "
                        "[--warmup S] [--time S | --iterations N] [--min-iterations N]\n");
        return 2;
    }
    const char *file = argv[1];
    const char *selection = "resnet50";
    int batch = 1;
    double warmup = 1, time = 2;
    long iterations = 0, min_iterations = 5;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--layers") == 0) selection = argv[i + 1];
        else if (strcmp(argv[i], "--batch") == 0) batch = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--warmup") == 0) warmup = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--time") == 0) time = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--iterations") == 0) iterations = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--min-iterations") == 0) min_iterations = atol(argv[i + 1]);
        else {
            fprintf(stderr, "conv_harness: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if ((argc - 2) % 2 != 0 || batch < 1 || warmup < 0 || time <= 0 || iterations < 0 || min_iterations < 1) {
        fprintf(stderr, "conv_harness: bad arguments (an option without a value, or a value out of range)\n");
        return 2;
    }
    FILE *in = fopen(file, "r");
    if (!in) {
        fprintf(stderr, "conv_harness: cannot read %s\n", file);
        return 1;
    }

    conv_t base = {0};
    CHECK(dnnl_engine_create(&base.engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&base.stream, base.engine, dnnl_stream_default_flags));
    const char *threads = getenv("OMP_NUM_THREADS");
    printf("conv2d forward f32, NCHW tensors, batch %d; OMP_NUM_THREADS=%s; oneDNN from C\n", batch,
           threads ? threads : "(unset)");
    printf("%-32s %-20s %-7s %6s %10s %10s %12s %12s  %s\n", "layer", "shape", "backend", "runs", "p50 ms", "p99 ms",
           "GFLOP/s p50", "GFLOP/s p99", "implementation");

    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, in)) {
        layer_t l;
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        if (sscanf(line, "%127s %31s %d %d %d %d %d %d %d %d %d %d %15s", l.name, l.model, &l.occurrences, &l.c,
                   &l.h, &l.w, &l.oc, &l.kh, &l.kw, &l.stride, &l.pad, &l.bias, l.post_op) != 13) {
            fprintf(stderr, "conv_harness: %s: cannot parse the line: %s", file, line);
            return 1;
        }
        if (!selected(&l, selection)) {
            continue;
        }
        found++;
        conv_t conv = base;
        const char *implementation = create(&conv, &l, batch);
        int oh = (l.h + 2 * l.pad - l.kh) / l.stride + 1;
        int ow = (l.w + 2 * l.pad - l.kw) / l.stride + 1;
        size_t n_out = (size_t)batch * l.oc * oh * ow;
        unsigned long long state = 42;
        float *x = random_floats((size_t)batch * l.c * l.h * l.w, &state);
        float *w = random_floats((size_t)l.oc * l.c * l.kh * l.kw, &state);
        float *b = random_floats((size_t)l.oc, &state);
        float *y = random_floats(n_out, &state);
        double flops = 2.0 * n_out * l.c * l.kh * l.kw;

        fprintf(stderr, "conv_harness: conv %s: warming up for %.0f ms\n", l.name, warmup * 1e3);
        double end = now_seconds() + warmup;
        do {
            run(&conv, x, w, b, y);
        } while (now_seconds() < end);

        long capacity = 1024, n = 0;
        long long *nanos = malloc(capacity * sizeof *nanos);
        double measure = iterations > 0 ? 0 : time;
        long minimum = iterations > 0 ? iterations : min_iterations;
        end = now_seconds() + measure;
        while (n < minimum || now_seconds() < end) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            run(&conv, x, w, b, y);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            if (n == capacity) {
                capacity *= 2;
                nanos = realloc(nanos, capacity * sizeof *nanos);
            }
            nanos[n++] = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
        }
        qsort(nanos, n, sizeof *nanos, compare_longs);
        double p50 = percentile_ms(nanos, n, 50), p99 = percentile_ms(nanos, n, 99);
        char shape[64];
        snprintf(shape, sizeof shape, "%dx%dx%d-%d-%d-%d-%d", l.c, l.h, l.w, l.oc, l.kh, l.stride, l.pad);
        printf("%-32s %-20s %-7s %6ld %10.4f %10.4f %12.1f %12.1f  %s\n", l.name, shape, "c", n, p50, p99,
               flops / (p50 * 1e6), flops / (p99 * 1e6), implementation);
        fflush(stdout);
        free(nanos);
        free(x);
        free(w);
        free(b);
        free(y);
        destroy(&conv);
    }
    fclose(in);
    dnnl_stream_destroy(base.stream);
    dnnl_engine_destroy(base.engine);
    if (!found) {
        fprintf(stderr, "conv_harness: no layer of %s matches '%s'\n", file, selection);
        return 2;
    }
    return 0;
}
