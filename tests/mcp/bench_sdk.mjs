// bench_sdk.mjs - round-trip time per tool call of `mlxplan mcp` through the
// official TypeScript SDK over stdio (pipes, JSON-RPC framing, the SDK's own
// schema checks included).  Prints figures only: it is a benchmark, not a
// test (timings under load say nothing about correctness; mcp.client checks
// the answers).  bench/bench_mcp.c times the server alone, in process.
//
// Run: sh tests/mcp/run_client.sh --bench /path/to/mlxplan tests/fixtures [N]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const BIN = process.env.MLXPLAN_BIN;
const FIXTURES = process.env.MLXPLAN_FIXTURES;
const N = Number(process.env.MLXPLAN_BENCH_N || 50);
if (!BIN || !FIXTURES || !(N >= 1)) {
  console.error('bench_sdk: set MLXPLAN_BIN, MLXPLAN_FIXTURES (and MLXPLAN_BENCH_N >= 1)');
  process.exit(2);
}

const transport = new StdioClientTransport({
  command: BIN,
  args: ['mcp'],
  env: {
    MLXPLAN_PROC_ROOT: `${FIXTURES}/host-linux`,
    MLXPLAN_NVIDIA_SMI: `${FIXTURES}/host-linux/nvidia-smi`,
    HF_HUB_OFFLINE: '1',
    HF_HUB_CACHE: `${FIXTURES}/hf-home/hub`,
    MLXPLAN_CACHE_DIR: `${FIXTURES}/no-such-mlxplan-cache`,
  },
  stderr: 'inherit',
});
const client = new Client({ name: 'mlxplan-bench', version: '1.0.0' });
await client.connect(transport);

const calls = [
  ['hardware list', 'hardware', { action: 'list' }],
  ['hardware show', 'hardware', { action: 'show', chip: 'M4 Pro 20c', memory_gb: 24 }],
  ['hardware detect', 'hardware', { action: 'detect' }],
  ['estimate', 'estimate', { model: 'Qwen/Qwen3-8B', chip: 'M4 Pro 20c', quant: 'q4' }],
  ['fit formats', 'fit', { mode: 'formats', model: 'Qwen/Qwen3-8B', chip: 'M4 Pro 20c' }],
  ['model_info', 'model_info', { model: 'Qwen/Qwen3-8B' }],
  ['docs_search', 'docs_search', { query: 'rms norm' }],
  ['docs_show', 'docs_show', { name: 'mx.fast.rms_norm' }],
  ['plan', 'plan', { request: 'fine-tune Qwen3-8B on my notes on a 36 GB M3 Max' }],
];
console.log(`MCP round trip through the SDK (measured, wall clock, median of ${N} calls):`);
for (const [label, name, args] of calls) {
  const us = [];
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    const res = await client.callTool({ name, arguments: args });
    us.push(Number(process.hrtime.bigint() - t0) / 1e3);
    if (res.isError) {
      console.error(`bench_sdk: ${label} failed: ${JSON.stringify(res.content)}`);
      process.exit(1);
    }
  }
  us.sort((a, b) => a - b);
  console.log(`  ${label.padEnd(16)} ${us[Math.floor(N / 2)].toFixed(0).padStart(7)} us`);
}
await client.close();
