"""``python -m service`` is ``ceasefire-tracker``."""

from service.cli import main

if __name__ == "__main__":
    main()
