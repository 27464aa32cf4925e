// npm run ladder -- FILE.pcap [--conn N] [--relative|--absolute] [--svg out.svg] [--states trace.json [--state-delay MS]] [--plain]
// Draws each TCP connection of a capture (ours or tcpdump's) as the RFC 9293 sequence chart.
import { writeFileSync } from 'node:fs';
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
    const svgs: string[] = [];
    for (const c of picked) {
      const lines = ladder(c, { relative, states: ev, stateDelayMs: stateDelay });
      console.log(renderText(c, lines, { extras: !plain }));
      if (svg) svgs.push(renderSvg(c, lines));
    }
    if (svg) {
      if (svgs.length > 1) console.error(`ladder: ${svgs.length} connections: the SVG shows connection ${picked[0].index} (choose one with --conn N)`);
      writeFileSync(svg, svgs[0]);
    }
    return 0;
  } catch (e) {
    if (e instanceof PcapError || e instanceof LadderError) { console.error(`ladder: ${e.message}`); return 1; }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
