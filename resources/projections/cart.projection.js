// Demo store: one state per cart stream: its items (quantity per SKU), prices, discount and total in cents.
function total(s) {
  var subtotal = 0;
  for (var sku in s.items) subtotal += s.items[sku] * s.unitPriceCents[sku];
  return subtotal - Math.floor(subtotal * s.discountPercent / 100);
}

fromCategory('cart')
  .foreachStream()
  .when({
    $init: function () {
      return { customerId: null, status: 'new', items: {}, unitPriceCents: {}, discountPercent: 0, totalCents: 0 };
    },
    CartCreated: function (s, e) {
      s.customerId = e.body.customerId;
      s.status = 'open';
    },
    ItemAdded: function (s, e) {
      s.items[e.body.sku] = (s.items[e.body.sku] || 0) + e.body.quantity;
      s.unitPriceCents[e.body.sku] = e.body.unitPriceCents;
      s.totalCents = total(s);
    },
    QuantityChanged: function (s, e) {
      s.items[e.body.sku] = e.body.quantity;
      s.totalCents = total(s);
    },
    ItemRemoved: function (s, e) {
      delete s.items[e.body.sku];
      delete s.unitPriceCents[e.body.sku];
      s.totalCents = total(s);
    },
    DiscountApplied: function (s, e) {
      s.discountPercent = e.body.percent;
      s.totalCents = total(s);
    },
    CartConfirmed: function (s, e) {
      s.status = 'confirmed';
    },
    CartCancelled: function (s, e) {
      s.status = 'cancelled';
    }
  });
