"""codestack release DIR --repo-id ORG/NAME [--dry-run] [--private]: publish to the Hugging Face Hub."""

from __future__ import annotations

import sys

EXAMPLES = """examples:
  codestack release out/0.1.0 --repo-id my-org/codestack --dry-run
  HF_TOKEN=hf_... codestack release out/0.1.0 --repo-id my-org/codestack --private

The token comes from HF_TOKEN or the login cache (hf auth login) and is never printed.
HF_ENDPOINT points at another Hub. Re-running after an interruption resumes the upload."""


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "release",
        help="publish a release to the Hugging Face Hub (dataset repo, tag v<version>)",
        description="Verify the release, create the dataset repo if needed, upload the folder (resumable; "
        "main becomes exactly the release), tag the commit v<version>, then check the remote file list, "
        "sizes and content ids against manifest.json. Exit 1 if the Hub's files differ.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("release", metavar="DIR")
    parser.add_argument("--repo-id", required=True, metavar="ORG/NAME", help="the dataset repo on the Hub")
    parser.add_argument("--dry-run", action="store_true", help="print the plan; contact nothing")
    parser.add_argument("--private", action="store_true", help="create the repo private (if it does not exist)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from manifests.hub import HubError, format_plan, plan_release, release_to_hub
    from pipeline.errors import CheckFailed, UsageError

    try:
        if args.dry_run:
            print(format_plan(plan_release(args.release, args.repo_id, args.private)))
            print("codestack: dry run: nothing was sent", file=sys.stderr)
            return 0
        report = release_to_hub(args.release, args.repo_id, private=args.private,
                                log=lambda message: print(message, file=sys.stderr))
    except HubError as exc:
        raise (CheckFailed if exc.check_failed else UsageError)(str(exc)) from None
    print(f"{report['repo_id']}@{report['tag']} {report['commit']}")
    return 0
