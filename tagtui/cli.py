"""The command line: ``tagtui [TARGET]`` opens the TUI; ``ls``, ``inspect``, ``diff``, ``login``...

Only the TUI path imports Textual, so ``tagtui ls`` starts as fast as a plain HTTP client.
Errors are one line on stderr with exit status 1; usage errors exit 2; never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from tagtui import __version__
from tagtui.config import load_registries
from tagtui.errors import AuthenticationRequired, ConfigError, TagtuiError, UsageError
from tagtui.providers.base import ConnectionOptions, Provider, ProviderOptions
from tagtui.targets import PROVIDER_NAMES, Target, open_target
from tagtui.text import sanitize

SUBCOMMANDS = ("ls", "inspect", "diff", "prune", "login", "logout", "cache")

# The connection options (see _add_connection_options): the ones that take a value, and flags.
# They may come before the command as well (`tagtui --timeout 2 ls HOST`), as in git or skopeo.
CONNECTION_VALUE_OPTIONS = (
    "--provider",
    "--region",
    "--namespace",
    "--endpoint",
    "--ca-cert",
    "--timeout",
    "--max-blob-size",
)
CONNECTION_FLAGS = ("--insecure", "--no-cache")

EPILOG = """\
targets:
  localhost:5000                 a registry (plain HTTP is allowed for loopback hosts)
  ghcr.io/owner/repo[:tag]       a repository or tag (Docker Hub names like `nginx` work too)
  ./layouts  image.tar           a directory of OCI layouts, one OCI layout, a `docker save` tar
  NAME                           a registry named in $XDG_CONFIG_HOME/tagtui/config.toml

commands:
  tagtui ls TARGET               repositories, or TAG<TAB>DIGEST lines for a repository
  tagtui ls -l REPO [--sort newest] [--json]
                                 TAG DIGEST CREATED SIZE for every tag of a repository
  tagtui inspect REF [--json]    what the detail panel shows for a tag
  tagtui diff REF_A REF_B [--platform P] [--json]
                                 what changed between two tags of one registry: config, layers,
                                 history (REF_B may be :TAG or @DIGEST in REF_A's repository)
  tagtui prune REPO [--match RE] [--keep RE] [--keep-last N] [--older-than AGE] [--json] [--yes]
                    [--with-referrers]
                                 retention rules: a dry run table, or delete with --yes; the
                                 signatures and SBOMs of removed images stay unless
                                 --with-referrers
  tagtui login REGISTRY          check credentials and store them: OS keyring, else docker's
                                 credential helper, else podman's runtime auth file
  tagtui logout REGISTRY         remove them from wherever tagtui finds them
  tagtui cache info|clear        the cache of manifests and configs ($XDG_CACHE_HOME/tagtui)

vendor APIs (each found as its own tool finds it; --endpoint takes the API's host or the
base URL the vendor documents; the OS keyring under the API host comes last):
  scaleway   SCW_SECRET_KEY (SCW_ACCESS_KEY), SCW_DEFAULT_REGION, SCW_API_URL, SCW_PROFILE,
             SCW_CONFIG_PATH; ~/.config/scw/config.yaml (secret_key, default_region, api_url)
             --region fr-par|nl-ams|pl-waw
             --endpoint https://api.scaleway.com or …/registry/v1/regions/fr-par
             e.g. SCW_SECRET_KEY=… SCW_DEFAULT_REGION=nl-ams tagtui --provider scaleway
  ncr        NCLOUD_ACCESS_KEY + NCLOUD_SECRET_KEY (or NCLOUD_ACCESS_KEY_ID +
             NCLOUD_SECRET_ACCESS_KEY), NCLOUD_REGION, NCLOUD_API_GW; ~/.ncloud/configure
             --region kr|sgn|jpn
             --endpoint https://ncr.apigw.ntruss.com or …/ncr/api/v2
             e.g. NCLOUD_ACCESS_KEY=… NCLOUD_SECRET_KEY=… tagtui ls --provider ncr --region sgn
  openshift  KUBECONFIG; ~/.kube/config (current context: server, token, CA, namespace)
             --namespace NS
             --endpoint https://api.cluster:6443 or …/apis/image.openshift.io/v1
             e.g. oc login https://api.cluster:6443 && tagtui --provider openshift
  tutum      TUTUM_USER + TUTUM_APIKEY, or TUTUM_AUTH; TUTUM_REST_HOST (or TUTUM_BASE_URL);
             ~/.tutum ([auth] user, apikey)
             --endpoint https://dashboard.tutum.co or …/api/v1/
             e.g. TUTUM_REST_HOST=https://tutum.example.com tagtui ls --provider tutum

Connection options (--timeout, --insecure, --ca-cert…) go before or after the command.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one line instead of the usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of MiB, not {text!r}")
    return value


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number (0 or more), not {text!r}")
    return int(text)


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--provider",
        choices=PROVIDER_NAMES,
        help="kind of registry (default: OCI Distribution, or a local layout for paths)",
    )
    group.add_argument("--region", help="vendor region (scaleway: fr-par…, ncr: kr|sgn|jpn)")
    group.add_argument("--namespace", help="OpenShift namespace (default: from kubeconfig)")
    group.add_argument(
        "--endpoint",
        metavar="URL",
        help="the vendor API's host or documented base URL (see 'vendor APIs' in tagtui --help)",
    )
    group.add_argument(
        "--insecure",
        action="store_true",
        help="allow plain HTTP and unverified TLS for a non-loopback registry",
    )
    group.add_argument(
        "--ca-cert", type=Path, metavar="FILE", help="trust this CA bundle (PEM) as well"
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time limit of one request, its whole answer included (default 30)",
    )
    group.add_argument(
        "--max-blob-size",
        type=_positive_int,
        default=16,
        metavar="MIB",
        help="refuse a manifest or image config larger than this (default 16)",
    )
    group.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor fill the manifest cache (also TAGTUI_NO_CACHE=1)",
    )


def build_open_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tagtui",
        description="Inspect and clean up container image registries from the terminal.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", nargs="?", help="registry, repository, tag, path or name")
    parser.add_argument("--demo", action="store_true", help="open the embedded demo store")
    parser.add_argument("--version", action="version", version=f"tagtui {__version__}")
    _add_connection_options(parser)
    return parser


def build_command_parser(command: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"tagtui {command}")
    if command == "ls":
        parser.description = "List repositories, or the tags of one repository."
        parser.add_argument("target", nargs="?", help="REGISTRY or REGISTRY/REPOSITORY")
        parser.add_argument(
            "-l",
            "--long",
            action="store_true",
            help="tag, digest, created, size (one manifest + config per distinct image)",
        )
        parser.add_argument(
            "--sort", choices=("name", "newest"), default="name", help="tag order (default name)"
        )
        parser.add_argument("--json", action="store_true", help="one JSON document (see README)")
        _add_connection_options(parser)
    elif command == "inspect":
        parser.description = "Show a tag's digest, platforms, config and layers."
        parser.add_argument("target", help="REGISTRY/REPOSITORY:TAG or …@sha256:DIGEST")
        parser.add_argument("--json", action="store_true", help="stable JSON (see README)")
        parser.add_argument("--platform", metavar="OS/ARCH[/VARIANT]", help="pick one platform")
        _add_connection_options(parser)
    elif command == "diff":
        parser.description = (
            "Compare two tags of one registry (any repositories of it): digests, dates, sizes, "
            "config (entrypoint, cmd, user, working dir, env, labels, ports, volumes), layers "
            "and history. A multi-platform tag is compared on its preferred platform (the one "
            "the other side has too, else linux/amd64, else its first). Exit status 0 whether "
            "or not they differ."
        )
        parser.add_argument("target", metavar="REF_A", help="REGISTRY/REPOSITORY:TAG or …@sha256:…")
        parser.add_argument(
            "other",
            metavar="REF_B",
            help="a reference on the same registry, or :TAG / @sha256:… in REF_A's repository",
        )
        parser.add_argument("--json", action="store_true", help="one JSON document (see README)")
        parser.add_argument(
            "--platform", metavar="OS/ARCH[/VARIANT]", help="compare this platform of both"
        )
        _add_connection_options(parser)
    elif command == "prune":
        parser.description = (
            "Delete the tags retention rules select: a tag goes when it matches --match, does "
            "not match --keep, is not one of the --keep-last newest matching tags and, with "
            "--older-than, was created before the cut-off. A tag with no known date is kept. "
            "Without --yes nothing is deleted (dry run)."
        )
        parser.add_argument("target", help="REGISTRY/REPOSITORY")
        parser.add_argument("--match", metavar="RE", help="tags to consider (default: every tag)")
        parser.add_argument("--keep", metavar="RE", help="tags never to delete")
        parser.add_argument(
            "--keep-last", metavar="N", type=_count, help="keep the N newest matching tags"
        )
        parser.add_argument(
            "--older-than",
            metavar="AGE",
            help="only tags created before: 90d, 12w, 36h, or a date 2026-01-31",
        )
        parser.add_argument("--json", action="store_true", help="one JSON document (see README)")
        parser.add_argument("--yes", action="store_true", help="delete (default: dry run)")
        parser.add_argument(
            "--with-referrers",
            action="store_true",
            help="with --yes, also delete the signatures, SBOMs and attestations of the images "
            "removed (their carrier tags and manifests); by default they stay, orphaned",
        )
        _add_connection_options(parser)
    elif command == "cache":
        parser.description = "Show or empty the cache of manifests and configs fetched by digest."
        parser.add_argument("action", choices=("info", "clear"))
    elif command == "login":
        from tagtui.credentials.stores import KINDS  # here: `ls` does not pay for it

        parser.description = (
            "Check credentials against a registry and store them: in the OS keyring, else with "
            "the credential helper docker's config names, else in podman's runtime auth file."
        )
        parser.add_argument("registry")
        parser.add_argument("-u", "--username")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        parser.add_argument(
            "--store", choices=KINDS, help="where to store them (default: the first usable)"
        )
        parser.add_argument(
            "--auth-file",
            type=Path,
            metavar="PATH",
            help="store them in this auth.json (0600; the password in base64)",
        )
        _add_connection_options(parser)
    else:
        parser.description = (
            "Remove a registry's credentials from the OS keyring, docker's credential helper "
            "and the auth files tagtui reads."
        )
        parser.add_argument("registry")
        parser.add_argument(
            "--auth-file", type=Path, metavar="PATH", help="only remove the entry in this file"
        )
    return parser


def provider_options(args: argparse.Namespace) -> ProviderOptions:
    if args.ca_cert is not None and not args.ca_cert.is_file():
        raise UsageError(f"--ca-cert {args.ca_cert}: no such file")
    return ProviderOptions(
        region=args.region,
        namespace=args.namespace,
        endpoint=args.endpoint,
        connection=ConnectionOptions(
            insecure=args.insecure,
            ca_cert=args.ca_cert,
            timeout=args.timeout,
            max_blob_mib=args.max_blob_size,
            cache=not args.no_cache,
        ),
    )


def with_login_hint(err: AuthenticationRequired, provider: Provider) -> AuthenticationRequired:
    """``err`` and what to do about it, for a registry that takes ``tagtui login``.

    Vendor APIs are not: their messages name their own tools' variables.
    """
    host = provider.credential_key
    if provider.kind != "oci" or not host:
        return err
    how = f"`tagtui login {host}`, or set TAGTUI_USERNAME and TAGTUI_PASSWORD"
    hint = f"log in with {how}" if err.username is None else f"log in again with {how}"
    return AuthenticationRequired(f"{err} — {hint}", username=err.username)


async def _with_target(args: argparse.Namespace, action: Callable[[Target], Awaitable[int]]) -> int:
    target = open_target(args.target, provider_name=args.provider, options=provider_options(args))
    try:
        return await action(target)
    except AuthenticationRequired as err:
        raise with_login_hint(err, target.provider) from None
    finally:
        await target.provider.aclose()


def run_command(command: str, argv: Sequence[str]) -> int:
    args = build_command_parser(command).parse_args(argv)
    if command == "ls":
        from tagtui.commands.ls import run_ls

        if args.target is None and args.provider in (None, "oci", "layout"):
            raise UsageError("ls needs a REGISTRY or REGISTRY/REPOSITORY")
        if args.sort != "name" and not args.long:
            raise UsageError("--sort needs -l (dates come with the long listing)")
        return asyncio.run(
            _with_target(
                args,
                lambda t: run_ls(t, sys.stdout, long=args.long, sort=args.sort, as_json=args.json),
            )
        )
    if command == "prune":
        from tagtui.cleanup.rules import Rules
        from tagtui.commands.prune import run_prune

        rules = Rules(
            match=args.match, keep=args.keep, keep_last=args.keep_last, older_than=args.older_than
        )
        return asyncio.run(
            _with_target(
                args,
                lambda t: run_prune(
                    t,
                    sys.stdout,
                    rules,
                    yes=args.yes,
                    as_json=args.json,
                    with_referrers=args.with_referrers,
                ),
            )
        )
    if command == "cache":
        from tagtui.commands.cache import run_cache

        return run_cache(args.action, sys.stdout)
    if command == "inspect":
        from tagtui.commands.inspect import run_inspect

        return asyncio.run(
            _with_target(
                args,
                lambda t: run_inspect(t, sys.stdout, as_json=args.json, platform=args.platform),
            )
        )
    if command == "diff":
        from tagtui.commands.diff import run_diff

        options = provider_options(args)
        return asyncio.run(
            _with_target(
                args,
                lambda t: run_diff(
                    t,
                    args.other,
                    sys.stdout,
                    provider_name=args.provider,
                    options=options,
                    as_json=args.json,
                    platform=args.platform,
                ),
            )
        )
    from tagtui.commands import login as login_command

    if command == "login":
        return asyncio.run(
            login_command.login(
                args.registry,
                args.username,
                args.password_stdin,
                provider_options(args).connection,
                store=args.store,
                auth_file=args.auth_file,
            )
        )
    return login_command.logout(args.registry, auth_file=args.auth_file)


def run_tui(argv: Sequence[str]) -> int:
    args = build_open_parser().parse_args(argv)
    if args.target is None and not args.demo and args.provider is None:
        raise UsageError("name a registry, repository or path to open, or try `tagtui --demo`")
    options = provider_options(args)
    target = open_target(args.target, provider_name=args.provider, options=options, demo=args.demo)
    from tagtui.ui.app import TagtuiApp

    where = target.location
    app = TagtuiApp(
        target.provider,
        repository=where.repository,
        tag=where.tag,
        options=options,
        name=switcher_name(args, target.provider),
    )
    app.run()
    for trace in app.debug_tracebacks:
        print(trace, file=sys.stderr)
    return app.return_code or 0


def switcher_name(args: argparse.Namespace, provider: Provider) -> str:
    """What the registry switcher calls the first registry: its config.toml name when it was
    opened by one (``tagtui work/team/app``), else what the header shows."""
    if args.target and args.provider is None and not args.demo:
        first = args.target.partition("/")[0]
        try:
            if first in load_registries():
                return first
        except ConfigError:
            pass
    return provider.display_name


def _connection_option(arg: str) -> str | None:
    """The connection option ``arg`` names (argparse's unique prefixes too), or None."""
    name = arg.partition("=")[0]
    known = (*CONNECTION_VALUE_OPTIONS, *CONNECTION_FLAGS)
    if name in known:
        return name
    matches = [option for option in known if option.startswith(name)] if name[2:] else []
    return matches[0] if len(matches) == 1 and name.startswith("--") else None


def split_command(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """The subcommand and its arguments, connection options given before it moved after it.

    ``--timeout 2 ls HOST`` -> ``("ls", ["--timeout", "2", "HOST"])``; anything else before a
    command word (another option, a target) means the TUI: ``(None, argv)``.
    """
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in SUBCOMMANDS:
            return arg, [*argv[:index], *argv[index + 1 :]]
        option = _connection_option(arg)
        if option is None:
            break
        takes_value = option in CONNECTION_VALUE_OPTIONS and "=" not in arg
        index += 2 if takes_value else 1
    return None, list(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="tagtui: warning: %(message)s")
    try:
        command, rest = split_command(argv)
        if command is not None:
            return run_command(command, rest)
        return run_tui(argv)
    except UsageError as err:
        print(f"tagtui: {sanitize(str(err))}", file=sys.stderr)
        return 2
    except TagtuiError as err:
        print(f"tagtui: error: {sanitize(str(err))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `tagtui ls … | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:
        if os.environ.get("TAGTUI_DEBUG"):
            raise
        name = type(err).__name__
        print(
            f"tagtui: internal error ({name}): {sanitize(str(err), limit=300)} "
            "— rerun with TAGTUI_DEBUG=1 for details",
            file=sys.stderr,
        )
        return 1
