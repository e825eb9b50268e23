"""Planning destruction orders: the planner page, from the proposals to the orders."""
