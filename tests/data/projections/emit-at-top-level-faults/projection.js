fromAll().when({ $any: function (s, e) {} });
emit('x-1', 'T', {});
