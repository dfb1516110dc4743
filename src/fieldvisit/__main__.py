from fieldvisit.cli import main

main(prog_name="fieldvisit")
