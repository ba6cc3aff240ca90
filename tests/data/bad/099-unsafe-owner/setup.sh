[ "$(id -u)" = 0 ] || exit 77
chown 65534 tenants.d/acme.yaml
