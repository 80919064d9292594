from sheets_plan.cli import main

main()
