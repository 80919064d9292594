"""The demo's made-up world, shared by its sheet (`demo`) and its AmoCRM (`demo_crm`): the admins,
the accounts and their curves, the names of people who never existed, the products."""

ADMINS = {"ru": ("Анна", "Борис", "Вера"), "en": ("Anna", "Boris", "Vera")}
# The project's accounts, each with its own curve: followers at the start, weekly change
# (low, high), and dialogs a week at most. Instagram grows fast, VK barely, Telegram steadily.
ACCOUNTS = {"Instagram": (4200, 40, 220, 40), "VK": (1800, -25, 30, 15), "Telegram": (650, 15, 60, 8)}
FIRST = {"ru": ["Анна", "Ольга", "Мария", "Иван", "Дмитрий", "Елена", "Сергей", "Наталья", "Павел", "Ксения"],
         "en": ["Emma", "Olivia", "Liam", "Noah", "Mia", "James", "Ava", "Lucas", "Sophia", "Henry"]}
LAST = {"ru": ["Смирнова", "Кузнецова", "Попова", "Васильев", "Соколов", "Морозова", "Новиков", "Волкова", "Зайцев",
               "Лебедева"],
        "en": ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker", "White"]}
PRODUCTS = {"ru": ["Абонемент на кофе", "Кейтеринг", "Зерно оптом", "Мастер-класс бариста"],
            "en": ["Coffee pass", "Catering", "Beans wholesale", "Barista class"]}
