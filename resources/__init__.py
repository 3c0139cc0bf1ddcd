"""Knowledge-base data and icons, installed as the stagebox.resources package."""
