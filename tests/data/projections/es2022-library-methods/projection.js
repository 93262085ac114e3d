// The library additions of ES2017-ES2022 that older engines lack.
fromAll().when({
  $init: () => ({}),
  Sample: (s, e) => {
    s.fromEntries = Object.fromEntries(Object.entries(e.body.prices).map(([k, v]) => [k.toUpperCase(), v * 2]));
    s.flat = [1, [2, [3, [4]]]].flat(2);
    s.flatMap = e.body.words.flatMap((w) => [w, w.length]);
    s.at = [e.body.words.at(-1), 'xyz'.at(0)];
    s.replaceAll = 'a-b-c'.replaceAll('-', '+');
    s.matchAll = [...'k1=v1;k2=v2'.matchAll(/(\w+)=(\w+)/g)].map((m) => m[1] + ':' + m[2]);
    s.trim = ['  x  '.trimStart(), '  x  '.trimEnd()];
    s.globalThis = typeof globalThis === 'object' && globalThis.emit === emit;
    s.entries = Object.values({ a: 1, b: 2 });
    s.padded = '7'.padStart(3, '0');
    s.hasOwn = Object.hasOwn(e.body, 'prices');
    s.lastIndex = [3, 1, 2].findLast((n) => n < 3);
  }
});
