// Packs the npm package as the READMEs say (`npm run package`, scripts/pack-npm.mjs) into `dest`
// and returns npm pack's --json entry ({filename, files, ...}) with the tarball's full path.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function packPackage(root, dest) {
  const out = execFileSync(npm, ['run', 'package', '--', '--json', '--pack-destination', dest],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // `npm run` prints its "> keyscope@... package" banner on stdout before npm pack's JSON.
  const json = out.slice(out.search(/^\[/m));
  const [info] = JSON.parse(json);
  return { ...info, tarball: join(dest, info.filename) };
}
