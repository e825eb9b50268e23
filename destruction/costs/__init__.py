"""Cost recovery (Reg. 608/2013 Art. 29; digest C7): tariffs, the costs each lot accrues with its
payer and the tariff that set it, statements to right holders, and their payments."""
