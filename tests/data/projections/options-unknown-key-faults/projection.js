options({ producesResults: true });
fromAll().when({ A: function (s, e) {} });
