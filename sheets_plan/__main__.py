from sheets_plan.cli.commands import main

main()
