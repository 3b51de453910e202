# The team warns from 90 % of a limit.
early_warning_percent = 90
