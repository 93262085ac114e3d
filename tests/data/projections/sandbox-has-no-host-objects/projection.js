// No require, process, fetch, timers, console or WebAssembly: a projection sees the language and the projection API.
var globals = ['require', 'process', 'fetch', 'setTimeout', 'setInterval', 'console', 'WebAssembly', 'Buffer',
  'module', 'exports', 'importScripts', 'XMLHttpRequest'];
fromAll().when({
  $init: function () { return {}; },
  $any: function (s, e) {
    for (var i = 0; i < globals.length; ++i)
      s[globals[i]] = typeof globalThis[globals[i]];
  }
});
