// The reference beside EventScope's projection throughput row: node folding the same events with the same script,
// doing the work the server does per event (docs/projections.md): the state of each partition kept as JSON text,
// parsed when the partition changes, written again after every event, the body parsed from its text.
// Covers what the demo projections use: fromAll / fromCategory / fromStream(s), foreachStream, when with $init,
// $any and typed handlers, outputState. Not a runtime dependency of EventScope: the benchmark runs it only when
// node is installed.
//
// usage: node projection-fold.mjs SCRIPT EVENTS.ndjson
// EVENTS.ndjson: one {"type", "stream", "version", "id", "created", "bodyRaw", "metadataRaw"} per line, in order.
// Prints one {"partition", "state"} line per partition (in the order of its first event), then
// {"events": N, "ms": M} with the fold's time (reading included, process start excluded).
import { readFileSync } from 'node:fs';

const [scriptPath, eventsPath] = process.argv.slice(2);
const started = performance.now();

const definition = { foreachStream: false, handlers: new Map(), any: null, init: null };
const chain = {
    foreachStream() { definition.foreachStream = true; return chain; },
    when(handlers) {
        for (const [key, fn] of Object.entries(handlers)) {
            if (key === '$init') definition.init = fn;
            else if (key === '$any') definition.any = fn;
            else if (!key.startsWith('$')) definition.handlers.set(key, fn);
        }
        return chain;
    },
    outputState() { return chain; },
};
const api = {
    fromAll: () => chain, fromCategory: () => chain, fromStream: () => chain, fromStreams: () => chain,
    options: () => api, log: () => {},
};
new Function(...Object.keys(api), readFileSync(scriptPath, 'utf8'))(...Object.values(api));
const typed = definition.any === null && definition.handlers.size > 0;

const stored = new Map(); // partition -> state text (null: no state)
let current, live;
let events = 0;
const text = readFileSync(eventsPath, 'utf8');
for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    const raw = JSON.parse(line);
    ++events;
    if (typed && !definition.handlers.has(raw.type)) continue;
    const body = raw.bodyRaw === null ? undefined : JSON.parse(raw.bodyRaw);
    const event = {
        eventType: raw.type, streamId: raw.stream, sequenceNumber: raw.version, eventId: raw.id,
        created: raw.created, isJson: body !== undefined, body, data: body, bodyRaw: raw.bodyRaw,
        metadataRaw: raw.metadataRaw, partition: '',
    };
    const partition = definition.foreachStream ? raw.stream : '';
    event.partition = partition;
    const previous = stored.get(partition);
    if (partition !== current) {
        live = previous === undefined || previous === null ? (definition.init ? definition.init() : {}) : JSON.parse(previous);
        current = partition;
    }
    const handler = definition.handlers.get(raw.type) ?? definition.any;
    if (handler) {
        const returned = handler(live, event);
        if (returned !== undefined) live = returned;
    } else {
        live = body;
    }
    stored.set(partition, live === null || live === undefined ? null : JSON.stringify(live));
}
const ms = performance.now() - started;
let out = '';
for (const [partition, state] of stored)
    out += JSON.stringify({ partition, state: state === null ? null : JSON.parse(state) }) + '\n';
process.stdout.write(out + JSON.stringify({ events, ms }) + '\n');
