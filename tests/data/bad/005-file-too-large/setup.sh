# Run by run-bad-corpus.sh inside a copy of this case: a tenant file one
# byte over the 1 MiB limit, generated so the repository stays small.
{
        printf 'tenant: big\n'
        yes '# padding padding padding padding padding padding padding padding'
} | head -c 1048577 > tenants.d/big.yaml
