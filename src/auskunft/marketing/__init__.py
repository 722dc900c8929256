"""Marketing permission: may this company send this advertising to this person on this channel?"""
