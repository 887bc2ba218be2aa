"""The command-line side of hello-api.

    python3 cli.py greet NAME [--shout]   ->  Hello, NAME!
    python3 cli.py json NAME              ->  {"hello": "NAME"}
"""
import argparse
import json

from greeting import greet


def main(argv=None):
    parser = argparse.ArgumentParser(prog="hello-api", description="Greets, like the API does.")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("greet", help="print a greeting")
    p.add_argument("name")
    p.add_argument("--shout", action="store_true", help="in capitals")
    p = commands.add_parser("json", help="print what GET /hello?name=NAME answers")
    p.add_argument("name")
    args = parser.parse_args(argv)
    if args.command == "greet":
        text = "Hello, %s!" % greet(args.name)
        print(text.upper() if args.shout else text)
    else:
        print(json.dumps({"hello": greet(args.name)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
