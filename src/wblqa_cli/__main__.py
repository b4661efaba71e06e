from wblqa_cli.cli import main

main()
