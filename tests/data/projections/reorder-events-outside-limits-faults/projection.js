options({ reorderEvents: true, processingLag: 10 });
fromStreams(['a-1', 'b-1']).when({ A: function (s, e) {} });
