"""The law, as pure functions and data: closed days, deadlines, statuses, versioned articles.

Nothing here touches a database, writes a file or imports click; every rule cites its article.
"""
