/*
 * bench_plan.c - time of `mlxplan plan` for varied requests: parse, decide
 * through the engines, write the document, render Markdown.  The goal of
 * the plan issue is under 50 ms per plan; this prints the figures.
 *
 *   bench_plan [ROUNDS]      (default 20)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan/plan.h"
#include "render/plan.h"
#include "util/text.h"

static const char *const requests[] = {
    "I need to build a transformer architecture from scratch using Apple MLX for training on Apple Silicon",
    "My MLX model inference is slower than expected on my M3 Max, how can I optimize it?",
    "I want to fine-tune a language model using MLX-LM and deploy it efficiently",
    "fine-tune Llama 3.1 8B on my support chats on my M3 Max 36GB and serve it",
    "QLoRA fine-tune Qwen3-32B on an M4 Pro 48GB with 2000 chat examples, budget 3 hours",
    "quantize Qwen2.5-7B-Instruct to 4 bit with DWQ on M4 Pro 20c 48GB",
    "run DeepSeek V3 across two M3 Ultra 512GB Macs",
    "serve Mistral 7B Instruct to 8 users on an M2 Ultra 60c 192GB",
    "run gpt-oss-20b on an RTX 4090 with the MLX CUDA backend",
};
enum { N_REQ = sizeof requests / sizeof requests[0] };

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    int64_t rounds = 20;
    if (argc > 1 && mp_parse_i64(argv[1], 1, 100000, "ROUNDS", &rounds, NULL) != 0) {
        fprintf(stderr, "usage: bench_plan [ROUNDS]   (1 to 100000)\n");
        return 2;
    }
    printf("%-60s %9s %9s %8s\n", "request", "mean ms", "worst ms", "bytes");
    double all = 0, worst_all = 0;
    for (int i = 0; i < N_REQ; i++) {
        double sum = 0, worst = 0;
        size_t bytes = 0;
        for (int64_t k = 0; k < rounds; k++) {
            mp_plan_req req;
            memset(&req, 0, sizeof req);
            req.text = requests[i];
            mp_plan *p = NULL;
            mp_error e;
            mp_error_clear(&e);
            mp_buf out = MP_BUF_INIT;
            double t0 = now_ms();
            if (mp_plan_build(&req, &p, &e) != 0) {
                fprintf(stderr, "bench_plan: '%s': %s\n", requests[i], e.msg);
                return 1;
            }
            mp_render_plan_md(p, &out);
            double dt = now_ms() - t0;
            bytes = out.len;
            mp_buf_release(&out);
            mp_plan_free(p);
            sum += dt;
            if (dt > worst)
                worst = dt;
        }
        printf("%-60.60s %9.2f %9.2f %8zu\n", requests[i], sum / (double)rounds, worst, bytes);
        all += sum / (double)rounds;
        if (worst > worst_all)
            worst_all = worst;
    }
    printf("mean over %d requests: %.2f ms; worst single plan: %.2f ms (goal: under 50 ms)\n",
           N_REQ, all / N_REQ, worst_all);
    return 0;
}
