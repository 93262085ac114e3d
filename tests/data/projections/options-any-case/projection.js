options({ resultStreamName: 'totals', $IncludeLinks: false, PROCESSINGLAG: 10, reorderEvents: false });
fromStream('a-1').when({ A: function (s, e) { s.n = (s.n || 0) + 1; } });
