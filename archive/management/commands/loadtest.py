import random

from django.core.management.base import BaseCommand, CommandError

from archive.tools.loadtest import MIX, NotLoopback, loopback_address, run, url_mix


class Command(BaseCommand):
    help = (
        "Drive a running server on this machine (e.g. make serve) with a reader's mix of pages drawn "
        "from the archive in this database, over N kept-alive connections, until --requests have been "
        "made or --seconds have passed; report requests/s, latency percentiles and errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The server (loopback only).")
        parser.add_argument("--concurrency", type=int, default=8, help="Connections at once (default 8).")
        parser.add_argument("--requests", type=int, default=3000, help="At most this many requests (default 3000).")
        parser.add_argument("--seconds", type=float, default=30.0, help="For at most this long (default 30).")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, url, concurrency, requests, seconds, seed, **options):
        if not (1 <= concurrency <= 256 and requests >= 1 and 0 < seconds <= 3600):
            raise CommandError("Use 1 to 256 connections, at least one request and at most an hour.")
        try:
            loopback_address(url)
        except NotLoopback as error:
            raise CommandError(str(error)) from None
        paths = url_mix(random.Random(seed), count=min(requests, 5000))
        base = url.rstrip("/")
        self.stdout.write(f"Driving {base} with {concurrency} connections: {requests:,} requests or {seconds:g} s.")
        report = run(base, paths, concurrency=concurrency, max_requests=requests, max_seconds=seconds)
        if not report.requests:
            raise CommandError(f"No request was answered: {dict(report.failures) or 'is the server running?'}")
        self.stdout.write(
            f"\n{report.requests:,} requests in {report.seconds:.1f} s: {report.per_second:.1f} requests/s\n"
            f"latency ms: p50 {report.percentile_ms(0.5):.1f}, p95 {report.percentile_ms(0.95):.1f}, "
            f"p99 {report.percentile_ms(0.99):.1f}, max {report.percentile_ms(1.0):.1f}\n"
            f"statuses: {', '.join(f'{status}: {count:,}' for status, count in sorted(report.statuses.items()))}\n"
            f"errors: {report.errors:,}"
            + (
                f" ({', '.join(f'{name}: {count}' for name, count in report.failures.items())})"
                if report.failures
                else ""
            )
            + f"\nload generator CPU: {report.cpu_seconds:.1f} s, {report.generator_cpu_share:.0%} of one core\n"
        )
        self.stdout.write("| Pages | n | p50 ms | p95 ms |\n| --- | ---: | ---: | ---: |")
        for kind in MIX:
            if report.by_kind.get(kind):
                self.stdout.write(
                    f"| {kind} | {len(report.by_kind[kind]):,} | {report.percentile_ms(0.5, kind):.1f} "
                    f"| {report.percentile_ms(0.95, kind):.1f} |"
                )
        if report.errors:
            raise CommandError(f"{report.errors:,} request(s) failed.")
