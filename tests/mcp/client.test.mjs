// client.test.mjs - `mlxplan mcp` driven by a real MCP client: the official
// TypeScript SDK (version pinned in package-lock.json) spawns the binary over
// stdio, initializes, lists the tools and calls every one with valid and
// invalid arguments.  The SDK itself checks each structuredContent against
// the tool's outputSchema.  A second part speaks raw JSON lines to the binary
// for what the SDK does not send (stateless requests, malformed input).
//
// Run: MLXPLAN_BIN=/path/to/mlxplan MLXPLAN_FIXTURES=tests/fixtures node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

const BIN = process.env.MLXPLAN_BIN;
const FIXTURES = process.env.MLXPLAN_FIXTURES;
assert.ok(BIN, 'set MLXPLAN_BIN to the mlxplan binary');
assert.ok(FIXTURES, 'set MLXPLAN_FIXTURES to tests/fixtures');

const TOOLS = ['plan', 'estimate', 'fit', 'hardware', 'model_info', 'docs_search', 'docs_show',
               'check_code', 'diagnose_run', 'add_run'];
let client;

before(async () => {
  const transport = new StdioClientTransport({
    command: BIN,
    args: ['mcp'],
    env: {
      MLXPLAN_PROC_ROOT: `${FIXTURES}/host-linux`,
      MLXPLAN_NVIDIA_SMI: `${FIXTURES}/host-linux/nvidia-smi`,
      // models outside the registry come from the fixture cache, never the Hub
      HF_HUB_OFFLINE: '1',
      HF_HUB_CACHE: `${FIXTURES}/hf-home/hub`,
      MLXPLAN_CACHE_DIR: `${FIXTURES}/no-such-mlxplan-cache`,
    },
    stderr: 'inherit',
  });
  client = new Client({ name: 'mlxplan-e2e', version: '1.0.0' });
  await client.connect(transport);
});

after(async () => {
  await client?.close();
});

const text = (res) => res.content.map((c) => c.text).join('\n');

test('initialize: identity, capabilities, instructions', async () => {
  const info = client.getServerVersion();
  assert.equal(info.name, 'mlxplan');
  assert.match(info.version, /^\d+\.\d+\.\d+$/);
  assert.deepEqual(client.getServerCapabilities(), { tools: { listChanged: false } });
  assert.match(client.getInstructions(), /Call a tool for every number/);
  assert.deepEqual(await client.ping(), {});
});

test('tools/list: every tool with closed input and output schemas', async () => {
  const { tools, nextCursor } = await client.listTools();
  assert.equal(nextCursor, undefined);
  assert.deepEqual(tools.map((t) => t.name), TOOLS);
  for (const t of tools) {
    assert.ok(t.title && t.description.length > 80, t.name);
    assert.equal(t.inputSchema.type, 'object');
    assert.equal(t.inputSchema.additionalProperties, false, t.name);
    assert.equal(t.outputSchema.type, 'object');
    assert.equal(t.outputSchema.additionalProperties, false, t.name);
    assert.equal(t.annotations.readOnlyHint, t.name !== 'add_run', t.name); // add_run stores a run
    // open world: the tools that may fetch a model's config from the Hub
    assert.equal(t.annotations.openWorldHint,
      ['plan', 'estimate', 'fit', 'model_info'].includes(t.name), t.name);
  }
});

test('hardware: list, show and detect return structured content', async () => {
  let res = await client.callTool({ name: 'hardware', arguments: { action: 'list' } });
  assert.equal(res.isError, undefined);
  assert.equal(res.structuredContent.action, 'list');
  const ids = res.structuredContent.chips.map((c) => c.id);
  assert.ok(ids.includes('M3 Max 30c') && ids.includes('RTX 4090'));
  assert.match(text(res), /^# Chips: \d+ Apple Silicon GPU bins, \d+ NVIDIA GPUs/);

  res = await client.callTool({
    name: 'hardware', arguments: { action: 'show', chip: 'M3 Max', memory_gb: 36 } });
  const chip = res.structuredContent.chip;
  assert.equal(chip.id, 'M3 Max 30c');
  assert.equal(chip.bandwidth_gbs, 300);
  assert.deepEqual(chip.budgets.map((b) => [b.memory_gb, b.gpu_default_bytes]),
                   [[36, 25769803776]]);
  assert.match(text(res), /^# M3 Max 30c: Apple M3 Max/);

  res = await client.callTool({ name: 'hardware', arguments: { action: 'detect' } });
  const host = res.structuredContent.host;
  assert.equal(host.cpu, 'Test CPU 9000');
  assert.equal(host.nvidia_gpu, 'NVIDIA GeForce RTX 4090');
  assert.equal(host.chip.id, 'RTX 4090');
  assert.match(text(res), /^# This machine/);
});

test('hardware: bad arguments and impossible requests are tool errors', async () => {
  const cases = [
    [{}, "invalid arguments for 'hardware': missing required argument 'action' (list: all chips; show: one chip; detect: this machine)"],
    [{ action: 'lst' }, "invalid arguments for 'hardware': 'action' must be one of list, show, detect; got 'lst' (did you mean 'list'?)"],
    [{ action: 'show', chip: 'M3 Max 30c', extra: 1 }, "invalid arguments for 'hardware': unknown argument 'extra' (accepted: action, chip, memory_gb)"],
    [{ action: 'show', chip: 'M3 Max 30c', memory_gb: '36' }, "invalid arguments for 'hardware': 'memory_gb' must be an integer, got a string '36'"],
    [{ action: 'show' }, 'action \'show\' needs \'chip\', e.g. {"action": "show", "chip": "M3 Max 30c"}; action \'list\' names every chip'],
    [{ action: 'show', chip: 'm3max' }, "chip 'm3max' is ambiguous: 'M3 Max 30c' (300 GB/s, 36, 96 GB), 'M3 Max 40c' (400 GB/s, 48, 64, 128 GB); name the GPU cores or give 'memory_gb'"],
    [{ action: 'show', chip: 'M3 Max 30c', memory_gb: 48 }, 'M3 Max 30c comes with 36, 96 GB of memory, not 48 GB'],
  ];
  for (const [args, want] of cases) {
    const res = await client.callTool({ name: 'hardware', arguments: args });
    assert.equal(res.isError, true, JSON.stringify(args));
    assert.equal(res.structuredContent, undefined);
    assert.equal(text(res), want);
  }
});

test('every wired tool answers with structured content its outputSchema accepts', async () => {
  // callTool checks structuredContent against the listed outputSchema (Ajv)
  // and throws when it does not match; these calls cover every tool and mode
  const calls = [
    ['plan', { request: 'fine-tune Llama 3.1 8B on my support chats on my M3 Max 36GB and serve it' },
     (sc) => { assert.equal(sc.model, 'meta-llama/Llama-3.1-8B-Instruct');
               assert.equal(sc.machine, 'M3 Max 30c, 36 GB');
               assert.equal(sc.sections.length, 12); }],
    ['estimate', { model: 'Qwen/Qwen3-8B', chip: 'M4 Pro 20c', memory_gb: 24, quant: 'q4', context_tokens: 8192 },
     (sc) => { assert.equal(sc.verdict, 'fits');
               assert.equal(sc.settings.quant, 'affine 4-bit g64');
               assert.ok(sc.speed.decode_tok_s > 20 && sc.speed.decode_tok_s < 60); }],
    ['estimate', { model: 'Qwen/Qwen3-8B', chip: 'M4 Pro 20c', memory_gb: 24, task: 'lora' },
     (sc) => assert.equal(sc.settings.trainable_params, 9699328)],
    ['estimate', { params: 125e6, task: 'pretrain', chip: 'M4 Max 40c' },
     (sc) => assert.equal(sc.task, 'pretrain')],
    ['fit', { mode: 'formats', model: 'Qwen/Qwen3-8B', chip: 'M4 Pro 20c', memory_gb: 24, limit: 3 },
     (sc) => { assert.equal(sc.options.length, 3);
               assert.equal(sc.options[0].quant, 'affine 8-bit g64'); }],
    ['fit', { mode: 'models', chip: 'M4 Pro 20c', memory_gb: 48 },
     (sc) => assert.ok(sc.options.length > 0 && sc.options.every((o) => o.model))],
    ['fit', { mode: 'machines', model: 'Qwen/Qwen3-8B', min_decode_tok_s: 30 },
     (sc) => assert.ok(sc.options.every((o) => o.decode_tok_s >= 30))],
    ['fit', { mode: 'training', model: 'Qwen/Qwen3-8B', chip: 'M4 Pro 20c', task: 'qlora' },
     (sc) => assert.equal(sc.options[0].task, 'qlora')],
    ['model_info', { model: 'Qwen/Qwen3-8B' },
     (sc) => { assert.equal(sc.params, 8190735360); assert.equal(sc.kv_heads, 8); }],
    ['model_info', { model: 'mlx-community/Tiny-Llama-4bit' },
     (sc) => assert.equal(sc.source.kind, 'Hugging Face cache')],
    ['docs_search', { query: 'rms norm', limit: 5 },
     (sc) => assert.equal(sc.results[1].name, 'mlx.core.fast.rms_norm')],
    ['docs_show', { name: 'mlx_lm.lora --num-layers' },
     (sc) => { assert.equal(sc.kind, 'flag'); assert.equal(sc.default, '16'); }],
  ];
  const { tools } = await client.listTools();
  for (const [name, args, check] of calls) {
    assert.ok(tools.find((t) => t.name === name).outputSchema, name);
    const res = await client.callTool({ name, arguments: args });
    assert.equal(res.isError, undefined, `${name}: ${text(res)}`);
    assert.ok(text(res).startsWith('#'), name);
    check(res.structuredContent);
  }
});

test('wired tools: bad arguments and impossible requests are tool errors', async () => {
  const cases = [
    ['plan', { request: 'x', task: 'finetune' },
     "invalid arguments for 'plan': 'task' must be one of inference, lora, dora, qlora, full, pretrain; got 'finetune'"],
    ['plan', { request: 'hello there' },
     "found nothing to plan in 'hello there': name a model, a task (run, fine-tune, train from scratch, serve, quantize, speed up) or a Mac"],
    ['estimate', { model: 'Qwen/Qwen3-8B' },
     "invalid arguments for 'estimate': missing required argument 'chip' (chip, e.g. 'M4 Pro 20c' or 'rtx 4090')"],
    ['estimate', { model: 'Qwen/Qwen3-8B', chip: 'M4 Pro 20c', prompt_tokens: 9000, context_tokens: 4096 },
     "'prompt_tokens' (9000) is longer than 'context_tokens' (4096)"],
    ['estimate', { model: 'Qwen/Qwen3-8B', chip: 'M4 Pro 20c', task: 'full', rank: 16 },
     "'rank' does not apply to task 'full'; it goes with task lora, dora or qlora"],
    ['fit', { mode: 'machines', model: 'Qwen/Qwen3-8B', min_decode_tok_s: -1 },
     "invalid arguments for 'fit': 'min_decode_tok_s' must be between 0 and 1000000, got -1"],
    ['fit', { mode: 'formats', model: 'Qwen/Qwen3-8B' }, "mode 'formats' needs 'chip'"],
    ['model_info', { config_json: 7 }, "invalid arguments for 'model_info': 'config_json' must be a string, got a number 7"],
    ['model_info', {}, "give 'model' (a registry or Hugging Face id such as 'Qwen/Qwen3-8B') or 'config_json' (the text of a config.json)"],
    ['docs_search', { query: 'x', kind: 'everything' },
     "invalid arguments for 'docs_search': 'kind' must be one of api, command, flag, lora_key, format, practice, model_type, feature; got 'everything'"],
    ['docs_show', { name: 'zzzzzz' }, "unknown name 'zzzzzz' (try docs_search with query 'zzzzzz')"],
  ];
  for (const [name, args, want] of cases) {
    const res = await client.callTool({ name, arguments: args });
    assert.equal(res.isError, true, `${name} ${JSON.stringify(args)}`);
    assert.equal(res.structuredContent, undefined);
    assert.equal(text(res), want);
  }
});

test('check_code: findings for faulty MLX code, none for clean code, errors for bad input', async () => {
  let res = await client.callTool({ name: 'check_code', arguments: { source: 'import mlx.core as mx\nx = mx.relu(mx.array([1.0]))\n', filename: 'train.py' } });
  assert.equal(res.isError, undefined);
  const f = res.structuredContent.findings[0];
  assert.equal(f.rule, 'MLX001');
  assert.equal(f.line, 2);
  assert.equal(f.message, "unknown name 'mx.relu': mlx.core has no 'relu' (mlx 0.32.2.dev)");
  assert.ok(text(res).includes('train.py:2:5: error [MLX001]'));
  res = await client.callTool({ name: 'check_code', arguments: { source: 'import mlx.core as mx\nx = mx.zeros((2, 2))\nmx.eval(x)\n' } });
  assert.equal(res.structuredContent.counts.total, 0);
  res = await client.callTool({ name: 'check_code', arguments: { source: 'def f(:\n' } });
  assert.equal(res.isError, true);
  assert.equal(text(res), "input.py:1:6: not valid Python: '(' was never closed");
  res = await client.callTool({ name: 'check_code', arguments: { code: 'import mlx' } });
  assert.equal(text(res), "invalid arguments for 'check_code': unknown argument 'code' (accepted: source, filename, rules, ignore)");
});

test('an unknown tool is a protocol error (-32602)', async () => {
  await assert.rejects(client.callTool({ name: 'hw', arguments: {} }), (e) => {
    assert.ok(e instanceof McpError);
    assert.equal(e.code, -32602);
    assert.match(e.message, /unknown tool 'hw'; the tools are: plan, estimate/);
    return true;
  });
});

// ---- raw JSON lines, without the SDK ---------------------------------------------

// Send lines to a fresh `mlxplan mcp`, close its input, collect its answers
// and exit status.
function rawSession(lines) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, ['mcp'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({
      code, stderr: err, answers: out.split('\n').filter(Boolean).map((l) => JSON.parse(l)) }));
    p.stdin.end(lines.join('\n') + '\n');
  });
}

test('raw: stateless 2026-07-28 requests and server/discover', async () => {
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28',
                 'io.modelcontextprotocol/clientCapabilities': {} };
  const { code, answers, stderr } = await rawSession([
    JSON.stringify({ jsonrpc: '2.0', id: 'd', method: 'server/discover', params: { _meta: meta } }),
    JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call',
                     params: { name: 'hardware', arguments: { action: 'show', chip: 'rtx 4090' }, _meta: meta } }),
    JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list',
                     params: { _meta: { ...meta, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } } }),
  ]);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  assert.deepEqual(answers[0].result.supportedVersions,
                   ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']);
  assert.equal(answers[0].result.resultType, 'complete');
  assert.equal(answers[0].result._meta['io.modelcontextprotocol/serverInfo'].name, 'mlxplan');
  assert.equal(answers[1].result.structuredContent.chip.id, 'RTX 4090');
  assert.equal(answers[1].result.resultType, 'complete');
  assert.equal(answers[2].error.code, -32022);
  assert.deepEqual(answers[2].error.data.requested, '2099-01-01');
});

test('raw: malformed input gets JSON-RPC errors and the session goes on', async () => {
  const { code, answers } = await rawSession([
    '{"jsonrpc":"2.0","id":1,"method":"ping"',
    '[{"jsonrpc":"2.0","id":2,"method":"ping"}]',
    '{"jsonrpc":"2.0","id":3,"method":"nope"}',
    '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    '{"jsonrpc":"2.0","id":12345678901234567890,"method":"ping"}',
  ]);
  assert.equal(code, 0);
  assert.deepEqual(answers.map((a) => a.error?.code ?? 'ok'), [-32700, -32600, -32601, 'ok']);
  assert.equal(answers[0].id, null);
});
