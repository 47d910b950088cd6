import json

items = [
    {"ID": 1, "name": "Pen", "price": 2.5},
    {"ID": 2, "name": "Pencil", "price": 1.5},
    {"ID": 3, "name": "Highlighter", "price": 3.0},
    {"ID": 4, "name": "Ruler", "price": 5.0},
]


def lambda_handler(event, context):
    print("Event: " + json.dumps(event))

    item_id = event.get("ID")
    if item_id is None or item_id == "":
        return items

    for item in items:
        if str(item["ID"]) == str(item_id):
            return item

    raise Exception("NotFoundError")
