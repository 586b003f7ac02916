#!/usr/bin/python3
"""Writes a zone file of N records of mixed types for the transfer benchmark, the same for the
same seed (random.Random(seed)): the zone every run of bench/xfr_bench.sh pushes.

  gen_zone.py ZONE N [SEED] > zone.db

Mix (by records): A 40%, AAAA 15%, TXT 12% (SPF-like, short tokens, 2048-bit DKIM keys split in
strings), CNAME 10%, MX 6%, SRV 5%, CAA 3%, PTR 2%, delegations (NS x2 + DS + glue A) 4%,
HINFO 1% (a type Route 53 cannot hold: skipped), wildcards and names with escapes sprinkled in.
"""
import random
import string
import sys


def main():
    zone, n = sys.argv[1].rstrip(".") + ".", int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    out = sys.stdout
    out.write("$ORIGIN %s\n$TTL 300\n" % zone)
    out.write("@ 3600 IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 1209600 300\n")
    out.write("@ IN NS ns1.example.net.\n@ IN NS ns2.example.net.\n")
    written = 0
    i = 0

    def label():
        return "".join(rnd.choice(string.ascii_lowercase + string.digits) for _ in range(rnd.randint(4, 12)))

    while written < n:
        i += 1
        r = rnd.random()
        name = "%s-%d" % (label(), i)
        if r < 0.40:
            k = rnd.choice([1, 1, 1, 2, 3])
            for j in range(k):
                out.write("%s IN A 10.%d.%d.%d\n" % (name, (i >> 16) & 255, (i >> 8) & 255, (i + j) & 255))
            written += k
        elif r < 0.55:
            out.write("%s IN AAAA 2001:db8:%x::%x\n" % (name, i >> 16, i & 0xffff))
            written += 1
        elif r < 0.67:
            t = rnd.random()
            if t < 0.5:
                out.write('%s IN TXT "v=spf1 ip4:192.0.2.%d include:_spf.example.net -all"\n' % (name, i & 255))
            elif t < 0.9:
                out.write('%s IN TXT "token-%s"\n' % (name, label()))
            else:
                key = "".join(rnd.choice(string.ascii_letters + string.digits + "+/") for _ in range(392))
                out.write('sel%d._domainkey.%s IN TXT "v=DKIM1; k=rsa; p=%s" "%s"\n' % (i, name, key[:200], key[200:]))
            written += 1
        elif r < 0.77:
            out.write("%s IN CNAME target-%d.example.net.\n" % (name, i))
            written += 1
        elif r < 0.83:
            out.write("%s IN MX 10 mx1.%s\n%s IN MX 20 mx2.%s\n" % (name, zone, name, zone))
            written += 2
        elif r < 0.88:
            out.write("_sip._tcp.%s IN SRV 10 60 5060 sip-%d.%s\n" % (name, i, zone))
            written += 1
        elif r < 0.91:
            out.write('%s IN CAA 0 issue "letsencrypt.org"\n' % name)
            written += 1
        elif r < 0.93:
            out.write("%d IN PTR host-%d.%s\n" % (i, i, zone))
            written += 1
        elif r < 0.97:
            sub = "sub%d" % i
            out.write("%s IN NS ns1.%s\n%s IN NS ns2.%s\n" % (sub, sub, sub, sub))
            out.write("%s IN DS %d 13 2 %s\n" % (sub, 10000 + i % 50000, "".join(rnd.choice("0123456789ABCDEF") for _ in range(64))))
            out.write("ns1.%s IN A 192.0.2.%d\nns2.%s IN A 198.51.100.%d\n" % (sub, i & 255, sub, i & 255))
            written += 5
        elif r < 0.98:
            out.write('%s IN HINFO "pc" "linux"\n' % name)
            written += 1
        elif r < 0.99:
            out.write("*.%s IN A 192.0.2.%d\n" % (name, i & 255))
            written += 1
        else:
            out.write("%s\\032x IN A 192.0.2.%d\n" % (name, i & 255))
            written += 1


if __name__ == "__main__":
    main()
