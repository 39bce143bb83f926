"""The demo commune that load_demo builds: data (cooperatives, products, news), orders, and the
cashless street (markets, stalls, vendors, payments). Never imported by the apps."""
