// npm run ladder -- FILE.pcap [--conn N] [--relative|--absolute] [--svg out.svg] [--states trace.json [--state-delay MS]] [--plain]
// Draws each TCP connection of a capture (ours or tcpdump's) as the RFC 9293 sequence chart.
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ladder, LadderError, loadCapture, loadStates, PcapError, renderSvg, renderText } from './ladder/index.ts';

const USAGE = 'usage: npm run ladder -- FILE.pcap [--conn N] [--relative|--absolute] [--svg out.svg] [--states trace.json [--state-delay MS]] [--plain]';

function main(argv: string[]): number {
  let file: string | null = null, conn: number | null = null, relative = false, svg: string | null = null, states: string | null = null, plain = false, stateDelay = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--conn') { conn = Number(argv[++i]); if (!Number.isInteger(conn) || conn < 1) { console.error(`ladder: --conn takes a connection number (1, 2, ...)\n${USAGE}`); return 2; } }
    else if (a === '--relative') relative = true;
    else if (a === '--absolute') relative = false;
    else if (a === '--svg') { svg = argv[++i]; if (!svg) { console.error(`ladder: --svg takes a file name\n${USAGE}`); return 2; } }
    else if (a === '--states') states = argv[++i];
    else if (a === '--state-delay') { stateDelay = Number(argv[++i]); if (!(stateDelay >= 0)) { console.error(`ladder: --state-delay takes milliseconds\n${USAGE}`); return 2; } }
    else if (a === '--plain') plain = true;
    else if (a === '-h' || a === '--help') { console.log(USAGE); return 0; }
    else if (a.startsWith('-')) { console.error(`ladder: unknown option ${a}\n${USAGE}`); return 2; }
    else if (!file) file = a;
    else { console.error(`ladder: one capture file at a time\n${USAGE}`); return 2; }
  }
  if (!file) { console.error(USAGE); return 2; }
  try {
    const { conns } = loadCapture(file);
    const ev = states ? loadStates(states) : undefined;
    if (conns.length === 0) { console.error(`ladder: ${file}: no TCP segment in this capture`); return 1; }
    const picked = conn === null ? conns : conns.filter((c) => c.index === conn);
    if (picked.length === 0) { console.error(`ladder: ${file} has ${conns.length} connection(s); there is no --conn ${conn}`); return 1; }
    const texts: string[] = [];
    let picture: string | null = null;
    for (const c of picked) {
      const lines = ladder(c, { relative, states: ev, stateDelayMs: stateDelay });
      texts.push(renderText(c, lines, { extras: !plain }));
      if (svg && picture === null) picture = renderSvg(c, lines);
    }
    // The picture first: a file that cannot be written is the one error, before any output.
    if (svg) {
      if (picked.length > 1) console.error(`ladder: ${picked.length} connections: the SVG shows connection ${picked[0].index} (choose one with --conn N)`);
      try { writeFileSync(svg, picture!); } catch (e) { throw new LadderError(`cannot write ${svg}: ${why(e, svg)}`); }
    }
    for (const t of texts) console.log(t);
    return 0;
  } catch (e) {
    if (e instanceof PcapError || e instanceof LadderError) { console.error(`ladder: ${e.message}`); return 1; }
    // Anything else is a bug, but still one line: what went wrong, where to report it.
    console.error(`ladder: internal error on ${file}: ${(e as Error).message} (please report it with the capture)`);
    return 1;
  }
}

/** A file system error in words: "directory /nonexistent does not exist", ... */
function why(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `directory ${dirname(path)} does not exist`;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOTDIR') return `${dirname(path)} is not a directory`;
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  return (e as Error).message;
}

process.exitCode = main(process.argv.slice(2));
