// Starts keyscope-sandbox (path from $KEYSCOPE_SANDBOX) on a free port for a test file.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const TOKEN = 'sandbox-test-token-7f3a9c';
export const NOW = '2026-05-17T12:00:00Z';

export function sandboxPath() {
  const path = process.env.KEYSCOPE_SANDBOX ||
    resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../build/native/sandbox/keyscope-sandbox');
  if (!existsSync(path)) {
    throw new Error(`keyscope-sandbox not found at ${path}: build it and set KEYSCOPE_SANDBOX`);
  }
  return path;
}

export async function startSandbox(extraArgs = []) {
  const child = spawn(sandboxPath(), ['--port', '0', '--seed', '42', '--now', NOW, '--token', TOKEN,
    '--quiet', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const line = await new Promise((resolveLine, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.stdout.off('data', onData);
        resolveLine(out.slice(0, nl));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`sandbox did not start: ${stderr}`)), 10000).unref();
  });
  const match = /listening on (http:\/\/127\.0\.0\.1:(\d+)(\S*)) token=(\S+)/.exec(line);
  if (!match) throw new Error(`unexpected sandbox start line: ${line}`);
  const origin = `http://127.0.0.1:${match[2]}`;
  const control = (path, init) => fetch(`${origin}${path}`, init).then((r) => r.json());
  return {
    url: match[1],
    origin,
    port: Number(match[2]),
    token: match[4],
    child,
    fault: (spec) => control('/__sandbox/faults', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec),
    }),
    clearFaults: () => control('/__sandbox/faults', { method: 'DELETE' }),
    stats: () => control('/__sandbox/stats'),
    async stop() {
      if (child.exitCode !== null) return;
      // The sandbox drains keep-alive connections on SIGTERM; tests do not need to wait for that.
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 300);
      await exited;
      clearTimeout(timer);
    },
  };
}
