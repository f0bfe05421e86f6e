"""HR reports: figures over stored attempts (`figures`), the period (`period`), the summary as
door-neutral lines (`summary`), JSON (`jsonout`), charts (`charts`, matplotlib), the workbook
(`xlsx`, openpyxl) and the web page (`html`). Pure functions over the data `service.reports`
hands over: no storage, no aiogram here."""
