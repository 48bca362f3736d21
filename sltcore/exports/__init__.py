"""Documents the desk produces: the 志愿服务记录证明 certificate PDF and the monthly workbook."""
