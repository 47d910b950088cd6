// The lab's ItemsFunction in Node.js (what Schemas/functions/ItemsFunction/lambda_function.py
// does): the item whose ID the event names, every item without one, an error otherwise.
const items = [
  { ID: 1, name: 'Pen', price: 2.5 },
  { ID: 2, name: 'Pencil', price: 1.5 },
  { ID: 3, name: 'Highlighter', price: 3.0 },
  { ID: 4, name: 'Ruler', price: 5.0 },
];

exports.handler = async (event) => {
  console.log('Event: ' + JSON.stringify(event));
  const id = event.ID;
  if (id === undefined || id === null || id === '') return items;
  const item = items.find((entry) => String(entry.ID) === String(id));
  if (item) return item;
  throw new Error('NotFoundError');
};
