from runbookc.cli import main

main()
