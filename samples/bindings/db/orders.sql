-- Run once against the quickstart database (docker-compose does it at first start).
CREATE TABLE IF NOT EXISTS orders (orderid int, customer text, price float);
