# Writes torture.csv: every edge case data.read_csv must handle, byte for
# byte (BOM, CRLF, quoted separators, doubled quotes, a line break inside
# quotes, a blank line, NA markers quoted and not, a column that turns text
# late, numbers in quotes, spaces around numbers, no final line break).
# tests/data/test_csv.lua asserts each cell. Run: python3 make_torture.py
rows = [
    b'\xef\xbb\xbfid,text,num,mixed,quoted_num,empty,spaces',
    b'1,plain,1.5,10,"1",,  7  ',
    b'2,"comma, inside",-2.25e3,NA,"2.5",NA, 8',
    b'',
    b'3,"quote ""inside""",NA,late,"-3",,9',
    b'4,"line\r\nbreak",Inf,"NA",4,NA,10',
    b'5,NA,-inf,,5e-1,,11',
    b'6,"",0.1,12,"6",,12',
]
with open("torture.csv", "wb") as f:
    f.write(b"\r\n".join(rows))
