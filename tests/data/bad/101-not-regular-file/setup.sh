# A directory whose name looks like a policy file (git cannot hold it empty).
mkdir tenants.d/acme.yaml
