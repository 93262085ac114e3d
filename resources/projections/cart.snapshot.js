// Demo store: rebuilds the cart snapshots the demo keeps ({status, items: quantity per SKU, discountPercent,
// totalCents}), for `eventscope-cli verify` and the snapshot compare view.
//
// The snapshot keeps no prices, so the total is computed from a catalogue learnt from ItemAdded events and kept
// outside the state: the demo's prices are fixed per SKU, so any cart's event teaches the same price.
var unitPriceCents = {};

function total(s) {
  var subtotal = 0;
  for (var sku in s.items) subtotal += s.items[sku] * unitPriceCents[sku];
  return subtotal - Math.floor(subtotal * s.discountPercent / 100);
}

fromCategory('cart')
  .foreachStream()
  .when({
    $init: function () {
      return { status: 'open', items: {}, discountPercent: 0, totalCents: 0 };
    },
    $any: function (s, e) {
      var d = e.body;
      switch (e.eventType) {
        case 'ItemAdded':
          s.items[d.sku] = (s.items[d.sku] || 0) + d.quantity;
          unitPriceCents[d.sku] = d.unitPriceCents;
          break;
        case 'QuantityChanged': s.items[d.sku] = d.quantity; break;
        case 'ItemRemoved': delete s.items[d.sku]; break;
        case 'DiscountApplied': s.discountPercent = d.percent; break;
        case 'CartConfirmed': s.status = 'confirmed'; break;
        case 'CartCancelled': s.status = 'cancelled'; break;
      }
      s.totalCents = total(s);
    }
  });
