options({ biState: 'yes' });
fromAll().when({ A: function (s, e) {} });
