fromCategory('order')
  .foreachStream()
  .when({
    $init: () => ({ items: 0, city: null, discount: 0, tags: [] }),
    ItemAdded: (s, { body: { qty = 1, product: { sku } = {} } }) => {
      s.items += qty;
      s.tags = [...s.tags, sku ?? 'unknown'];
    },
    Shipped: (s, e) => {
      s.city = e.body.address?.city ?? 'no address';
      s.discount = e.body.discount ?? s.discount; // 0 stays 0: ?? keeps falsy values
      const [first, , third = 'none'] = s.tags;
      s.firstAndThird = `${first}/${third}`;
    }
  });
