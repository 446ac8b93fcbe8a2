"""One module per CRM model: its steps, composed from analytics and instruments."""
