from auskunft.cli import app

app()
